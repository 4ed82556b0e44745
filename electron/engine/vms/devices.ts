// The device ACL channels: the host's device nodes (and which guests may open each), a guest's effective ACL, and
// changing its extra nodes and omitted defaults, live (through the table of tunables) and/or in the definition.
import { CgvirtError, operationInvalid, resolveScope, type ChannelApi, type Definition } from '../../../shared';
import { covers } from '../cgroup';
import { enumerateHostDevices } from '../host/devices';
import { checkExtraDevices, describeAcl, planAcl } from './acl';
import type { EngineContext } from './context';
import { audit, scopeWords } from './audit';
import { applyLive, groupFor } from './live';

export function deviceChannels(ctx: EngineContext) {
  const { guests, queue, store } = ctx;

  const aclOf = (name: string) => {
    const def = guests.def(name);
    const r = guests.get(name);
    const live = r?.group && r.acl ? { plan: r.acl, kernel: r.group.acl() } : null;
    return describeAcl(planAcl(def), live);
  };

  return {
    devicesHost: async () => {
      const nodes = await enumerateHostDevices();
      const plans = store.list().map((d) => ({ name: d.name, plan: planAcl(d) }));
      return nodes.map((n) => {
        const rule = { type: n.type, major: n.major, minor: n.minor, access: 'r' };
        return { ...n, usedBy: plans.filter((p) => p.plan.entries.some((e) => covers(e.rule, rule))).map((p) => p.name) };
      });
    },

    devicesGet: async ({ name }) => aclOf(name),

    devicesSet: ({ name, extra, omitDefaults, flags }) =>
      queue.run(name, async () => {
        const def = guests.def(name);
        const r = guests.get(name);
        const s = resolveScope(flags, Boolean(r));
        if (s.live && !r) {
          throw operationInvalid(`cannot change the live device ACL of guest '${name}': it is shut off; use flags {config: true}`);
        }
        const devices: Definition['devices'] = { extra: extra ?? def.devices.extra, omitDefaults: omitDefaults ?? def.devices.omitDefaults };
        checkExtraDevices(devices.extra);
        if (s.live) {
          groupFor(ctx, r!, 'devices');
          if (!r!.acl)
            throw new CgvirtError('UNSUPPORTED', `guest '${name}' runs without a device ACL (it started when the devices controller was unavailable)`);
          applyLive(ctx, r!, { ...r!.live, devices });
        }
        if (s.config) await store.save({ ...def, devices });
        guests.changed(name);
        const list = (paths: readonly string[]) => (paths.length ? paths.join(', ') : 'none');
        audit(ctx, name, `device access: extra nodes ${list(devices.extra)}; defaults left out ${list(devices.omitDefaults)}; ${scopeWords(s)}`);
        return aclOf(name);
      }),
  } satisfies Partial<ChannelApi>;
}
