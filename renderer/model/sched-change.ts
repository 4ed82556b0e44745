// What a priority or cap change from the UI asks of the scheduler, given the tuning in effect: the parameters to
// send, or null when the change would leave everything as it is.
import { CPU_PERIOD_US, CPU_SHARES, UNLIMITED_QUOTA, type CpuTuning, type SchedParam } from '../../shared';
import { capToQuota, quotaToCap } from './cpu-cap';

/** A new relative priority, or a new cap in percent of one CPU (null: unlimited). */
export type PriorityChange = { shares: number } | { cap: number | null };

export function schedChange(cpu: CpuTuning, change: PriorityChange): SchedParam[] | null {
  if ('shares' in change) {
    if (change.shares === (cpu.shares ?? CPU_SHARES.default)) return null;
    return [{ field: 'cpu_shares', type: 'ullong', value: change.shares }];
  }
  const periodUs = cpu.periodUs ?? CPU_PERIOD_US.default;
  if (change.cap === quotaToCap(cpu.quotaUs, periodUs)) return null;
  if (change.cap === null) return [{ field: 'cpu_quota', type: 'llong', value: UNLIMITED_QUOTA }];
  return [
    { field: 'cpu_quota', type: 'llong', value: capToQuota(change.cap, periodUs) },
    { field: 'cpu_period', type: 'ullong', value: periodUs },
  ];
}
