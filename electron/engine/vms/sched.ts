// libvirt's scheduler parameters for a guest (`cpu_shares`, `cpu_period`, `cpu_quota`), read from and written to the
// stored definition (config) or the running guest's group (live).
import { CPU_PERIOD_US, CPU_SHARES, UNLIMITED_QUOTA, type CpuTuning, type Definition, type SchedParam } from '../../../shared';
import type { GuestGroup } from '../cgroup';

const param = (field: SchedParam['field'], value: number): SchedParam => ({
  field,
  type: field === 'cpu_quota' ? 'llong' : 'ullong',
  value,
});

export function schedOfDefinition(def: Definition): SchedParam[] {
  return [
    param('cpu_shares', def.cpu.shares ?? CPU_SHARES.default),
    param('cpu_period', def.cpu.periodUs ?? CPU_PERIOD_US.default),
    param('cpu_quota', def.cpu.quotaUs ?? UNLIMITED_QUOTA),
  ];
}

export function schedOfGroup(group: GuestGroup, lastShares: number | undefined): SchedParam[] {
  const max = group.getCpuQuota();
  return [
    param('cpu_shares', group.getCpuShares(lastShares)),
    param('cpu_period', max.periodUs),
    param('cpu_quota', max.quotaUs ?? UNLIMITED_QUOTA),
  ];
}

/** The CPU tuning with `params` applied (validated already by the channel schema). */
export function withSched(cpu: CpuTuning, params: readonly SchedParam[]): CpuTuning {
  const next: CpuTuning = { ...cpu };
  for (const p of params) {
    if (p.field === 'cpu_shares') next.shares = p.value;
    else if (p.field === 'cpu_period') next.periodUs = p.value;
    else if (p.value === UNLIMITED_QUOTA) delete next.quotaUs;
    else next.quotaUs = p.value;
  }
  return next;
}

/** Writes the changed tunables into a running guest's group. */
export function applySchedLive(group: GuestGroup, cpu: CpuTuning, params: readonly SchedParam[]): void {
  const next = withSched(cpu, params);
  if (params.some((p) => p.field === 'cpu_shares')) group.setCpuShares(next.shares ?? CPU_SHARES.default);
  if (params.some((p) => p.field !== 'cpu_shares')) group.setCpuQuota(next.quotaUs ?? null, next.periodUs ?? CPU_PERIOD_US.default);
}
