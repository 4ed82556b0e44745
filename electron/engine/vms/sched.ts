// libvirt's scheduler parameters for a guest (`cpu_shares`, `cpu_period`, `cpu_quota`): read from the stored
// definition (config) or the running guest's group (live), written through the table of tunables.
import {
  CPU_SHARES,
  operationInvalid,
  resolveScope,
  SCHEDULER_TYPE,
  schedParamsOf,
  withSchedParams,
  type ChannelApi,
  type ParsedRequestOf,
  type SchedParam,
} from '../../../shared';
import type { GuestGroup } from '../cgroup';
import type { EngineContext } from './context';
import { audit, cpuChange, scopeWords } from './audit';
import { applyLive, groupFor } from './live';

/** What the guest's group holds now; `lastShares` lets a lossy backend (v2 weight) answer exactly what was set. */
function schedOfGroup(group: GuestGroup, lastShares: number | undefined): SchedParam[] {
  const max = group.getCpuQuota();
  return schedParamsOf({ shares: group.getCpuShares(lastShares), periodUs: max.periodUs, quotaUs: max.quotaUs ?? undefined });
}

export function schedChannels(ctx: EngineContext) {
  const { guests, queue, store } = ctx;

  const read = async ({ name, flags }: ParsedRequestOf<'sched:get'>) => {
    const def = guests.def(name);
    const r = guests.get(name);
    const s = resolveScope(flags, Boolean(r));
    if (s.config) return schedParamsOf(def.cpu);
    if (!r) throw operationInvalid(`cannot read live parameters of guest '${name}': it is shut off`);
    if (!r.group) return schedParamsOf(r.live.cpu);
    return schedOfGroup(r.group, r.shares);
  };

  return {
    // libvirt's GetSchedulerType: the type and how many parameters a get returns for this guest (so NO_DOMAIN and a
    // host without the cpu controller answer as they do for sched:get).
    schedGetType: async ({ name }) => ({ type: SCHEDULER_TYPE, nparams: (await read({ name, flags: undefined })).length }),

    schedGet: async (request) => ({ params: await read(request) }),

    schedSet: ({ name, params, flags }) =>
      queue.run(name, async () => {
        const def = guests.def(name);
        const r = guests.get(name);
        const s = resolveScope(flags, Boolean(r));
        if (s.live && !r) throw operationInvalid(`cannot set live parameters of guest '${name}': it is shut off; use flags {config: true}`);
        const beforeCpu = (s.live ? r!.live : def).cpu;
        const before = beforeCpu.shares ?? CPU_SHARES.default;
        if (s.live) {
          groupFor(ctx, r!, 'cpu');
          applyLive(ctx, r!, { ...r!.live, cpu: withSchedParams(r!.live.cpu, params) });
        }
        if (s.config) {
          await store.save({ ...def, cpu: withSchedParams(def.cpu, params) });
          guests.changed(name);
        }
        const afterCpu = (s.live ? r!.live : guests.def(name)).cpu;
        const after = afterCpu.shares ?? CPU_SHARES.default;
        if (after !== before) ctx.history.addMark(name, after);
        const change = cpuChange(beforeCpu, afterCpu);
        if (change) audit(ctx, name, `${change}, ${scopeWords(s)}`);
        // The values just written, not read back: a write the kernel accepted is what it holds, and a slider drag
        // should not pay three more file reads per step.
        return { params: schedParamsOf(s.live ? r!.live.cpu : guests.def(name).cpu) };
      }),
  } satisfies Partial<ChannelApi>;
}
