// The one documented conversion between libvirt's `cpu_shares` (v1 `cpu.shares`, 2..262144, default 1024) and cgroup v2
// `cpu.weight` (1..10000, default 100): weight = round(shares × 100 / 1024), clamped. It is systemd's linear mapping:
// the defaults meet (1024 → 100) and ratios survive (2048:1024 → 200:100), which is what a priority slider promises.
// Shares above 1024 × 100 = 102400 all become weight 10000, and shares below 6 weight 1. libvirt's own v2 mapping
// (1 + (shares − 2) × 9999 / 262142) sends the default 1024 to 39, so a guest left at default would get less CPU than
// a process outside any guest; we do not copy it.
import { CPU_SHARES, CPU_WEIGHT } from '../../../shared';

const clamp = (v: number, lo: number, hi: number) => Math.min(hi, Math.max(lo, v));

export const sharesToWeight = (shares: number): number =>
  clamp(Math.round((shares * CPU_WEIGHT.default) / CPU_SHARES.default), CPU_WEIGHT.min, CPU_WEIGHT.max);

export const weightToShares = (weight: number): number =>
  clamp(Math.round((weight * CPU_SHARES.default) / CPU_WEIGHT.default), CPU_SHARES.min, CPU_SHARES.max);

/**
 * The shares to report for a weight read back from v2. Many share values map to one weight, so `get` returns the value
 * last set when the weight still matches it (nobody changed it since), and the inverse mapping otherwise.
 */
export const sharesForWeight = (weight: number, lastSet?: number): number =>
  lastSet !== undefined && sharesToWeight(lastSet) === weight ? lastSet : weightToShares(weight);
