// Guest definitions: list, read, define, change (live where the guest runs), delete, and the guest's log.
import { randomUUID } from 'node:crypto';
import { join } from 'node:path';
import { CgvirtError, CPU_SHARES, operationInvalid, type ChannelApi, type Definition } from '../../../shared';
import { checkCpuset } from '../cgroup/cpulist';
import { disksProblem } from '../qemu/disk';
import { readLogTail } from '../qemu/log';
import { checkExtraDevices } from './acl';
import type { EngineContext } from './context';
import { applyLive } from './live';
import { definitionFileName } from './store';
import { changedFields, LIVE_FIELDS } from './tunables';

/** Checks what only this host can tell: disks on their buses, extra nodes present, CPUs that exist. */
export function checkOnHost(ctx: EngineContext, def: Definition): void {
  const problem = disksProblem(def.disks);
  if (problem) throw new CgvirtError('INVALID_ARG', problem);
  checkExtraDevices(def.devices.extra);
  if (def.cpu.cpuset && ctx.cgroups.detection.controllers.cpuset.usable) {
    def.cpu.cpuset = checkCpuset(def.cpu.cpuset, ctx.cgroups.availableCpus());
  }
}

const pick = <T extends object>(o: T, keys: readonly string[]): Partial<T> => Object.fromEntries(keys.map((k) => [k, o[k as keyof T]])) as Partial<T>;

export function definitionChannels(ctx: EngineContext) {
  const { store, guests, queue } = ctx;
  return {
    vmList: async () =>
      store
        .list()
        .sort((a, b) => a.name.localeCompare(b.name))
        .map((d) => guests.info(d)),

    vmBroken: async () => store.broken(),

    vmGet: async ({ name }) => guests.info(guests.def(name)),

    vmDefine: (input) =>
      queue.run(input.name, async () => {
        if (store.get(input.name)) throw operationInvalid(`guest '${input.name}' is already defined; change it with vm:update`);
        if (store.hasBroken(input.name)) {
          throw operationInvalid(
            `a definition file for '${input.name}' (${definitionFileName(input.name)}) exists but cannot be loaded; fix or remove it first`,
          );
        }
        const def: Definition = { ...input, uuid: input.uuid ?? randomUUID() };
        checkOnHost(ctx, def);
        await store.save(def);
        guests.changed(def.name);
        return guests.info(def);
      }),

    vmUpdate: (input) =>
      queue.run(input.name, async () => {
        const old = guests.def(input.name);
        if (input.uuid && input.uuid !== old.uuid) {
          throw new CgvirtError('INVALID_ARG', `uuid cannot change: guest '${old.name}' has uuid ${old.uuid}`);
        }
        const def: Definition = { ...input, uuid: old.uuid };
        checkOnHost(ctx, def);
        const r = guests.get(def.name);
        const changed = changedFields(old, def);
        const live: string[] = [];
        if (r) {
          const applicable = changed.filter((f) => LIVE_FIELDS.includes(f));
          applyLive(ctx, r, { ...r.live, ...pick(def, applicable) });
          live.push(...applicable);
        }
        await store.save(def);
        guests.changed(def.name);
        const shares = (d: Definition) => d.cpu.shares ?? CPU_SHARES.default;
        if (shares(def) !== shares(old)) ctx.history.addMark(def.name, shares(def));
        return { info: guests.info(def), live, nextStart: changed.filter((f) => !live.includes(f)) };
      }),

    vmUndefine: ({ name }) =>
      queue.run(name, async () => {
        guests.def(name);
        guests.check(name, 'undefine');
        store.remove(name);
        guests.forget(name);
        ctx.history.forget(name);
        guests.changed(name);
        return { name };
      }),

    vmLog: async ({ name, lines }) => {
      guests.def(name);
      return { lines: await readLogTail(ctx.lifecycle.logPath(name), lines) };
    },
  } satisfies Partial<ChannelApi>;
}

/** Where a guest's log lives: one file per guest under the config dir. */
export const logPathIn = (configDir: string) => (name: string) => join(configDir, 'logs', `${encodeURIComponent(name)}.log`);
