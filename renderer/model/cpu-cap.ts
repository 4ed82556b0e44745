// The CPU cap is shown as a percentage of one host CPU and stored as CFS bandwidth: quota µs of CPU time per period µs.
import { CPU_PERIOD_US, CPU_QUOTA_US, UNLIMITED_QUOTA } from '../../shared';

/** Lowest cap the slider offers: below the kernel's 1 ms quota at the default period. */
export const CAP_MIN_PERCENT = 1;

/** The highest useful cap: a guest cannot use more than one host CPU per vCPU. */
export const capMaxPercent = (vcpus: number) => Math.max(1, vcpus) * 100;

/** The quota for `percent` of one CPU at `periodUs`, kept within what the kernel accepts. */
export function capToQuota(percent: number, periodUs: number = CPU_PERIOD_US.default): number {
  return Math.min(CPU_QUOTA_US.max, Math.max(CPU_QUOTA_US.min, Math.round((percent / 100) * periodUs)));
}

/** The cap in percent of one CPU, or null for unlimited. */
export function quotaToCap(quotaUs: number | undefined, periodUs: number = CPU_PERIOD_US.default): number | null {
  if (quotaUs === undefined || quotaUs === UNLIMITED_QUOTA || quotaUs <= 0) return null;
  return Math.round((quotaUs / periodUs) * 1000) / 10;
}

/** The cap as the UI says it. */
export const formatCap = (cap: number | null) => (cap === null ? 'Unlimited' : `${cap}% of one CPU`);
