// What CPU each running guest gets when they compete, as the kernel's fair scheduler hands it out: weighted max-min
// fair shares ("water-filling") over the host's CPUs. A guest takes no more than it can use — its vCPU threads (one
// CPU each), the CPUs of its cpuset, its CFS cap, and what it asks for (an idle guest leaves its share to the others)
// — and what one guest leaves, the others share by weight. cpusets make it a placement problem: a set of CPUs is full
// when the guests confined to it use all of it (Hall's condition), checked over every union of the guests' cpusets.
import { CPU_SHARES } from '../../shared';

export interface Contender {
  name: string;
  /** cpu_shares: the relative weight. */
  shares: number;
  /** vCPU threads: the most CPUs it can keep busy. */
  vcpus: number;
  /** The host CPUs it may run on (its cpuset); absent means all of them. */
  cpus?: readonly number[] | undefined;
  /** Its CFS cap in CPUs (quota ÷ period: 0.48 is 48 % of one CPU); absent means none. */
  capCpus?: number | undefined;
  /** What it uses when nothing holds it back, in CPUs; absent means as much as it can. */
  demandCpus?: number | undefined;
}

export type LimitedBy = 'share' | 'vcpus' | 'cpuset' | 'cap' | 'demand';

export interface Allocation {
  name: string;
  shares: number;
  /** CPU time it gets, in host CPUs (1 = one whole CPU). */
  cpus: number;
  /** What stops it from getting more: its share of a full set of CPUs, or a bound of its own. */
  limitedBy: LimitedBy;
}

const EPS = 1e-9;
/** Beyond this many distinct cpuset unions the check uses the single sets and the whole host (a safe approximation). */
const MAX_UNIONS = 512;

interface Entry {
  c: Contender;
  weight: number;
  /** The CPUs it may use, as bits over the host CPU list. */
  mask: bigint;
  bound: number;
  boundBy: LimitedBy;
  fixed: number | null;
  limitedBy: LimitedBy;
}

const popcount = (m: bigint) => {
  let n = 0;
  for (let x = m; x > 0n; x >>= 1n) n += Number(x & 1n);
  return n;
};

function ownBound(c: Contender, cpusetSize: number): { bound: number; by: LimitedBy } {
  const bounds: [number, LimitedBy][] = [
    [c.vcpus, 'vcpus'],
    [cpusetSize, 'cpuset'],
  ];
  if (c.capCpus !== undefined) bounds.push([c.capCpus, 'cap']);
  if (c.demandCpus !== undefined) bounds.push([c.demandCpus, 'demand']);
  const [bound, by] = bounds.reduce((a, b) => (b[0] < a[0] ? b : a));
  return { bound: Math.max(0, bound), by };
}

/** Every union of the given masks (the sets of CPUs whose fullness can bind), capped at MAX_UNIONS. */
function unionsOf(masks: readonly bigint[], all: bigint): bigint[] {
  const distinct = [...new Set(masks)];
  const out = new Set<bigint>([all]);
  for (const m of distinct) {
    for (const u of [...out, 0n]) {
      out.add(u | m);
      if (out.size > MAX_UNIONS) return [...new Set([...distinct, all])];
    }
  }
  return [...out].filter((u) => u !== 0n);
}

/**
 * The CPU each guest gets when all of them run at once on `hostCpus` (the CPU numbers of the host, or of the
 * partition): weighted max-min fairness within what each can use.
 */
export function allocateCpu(guests: readonly Contender[], hostCpus: readonly number[]): Allocation[] {
  const index = new Map(hostCpus.map((cpu, i) => [cpu, BigInt(i)]));
  const all = (1n << BigInt(hostCpus.length)) - 1n;
  const entries: Entry[] = guests.map((c) => {
    const mask = c.cpus ? c.cpus.reduce((m, cpu) => (index.has(cpu) ? m | (1n << index.get(cpu)!) : m), 0n) : all;
    const { bound, by } = ownBound(c, popcount(mask));
    return { c, weight: Math.max(c.shares, 1) / CPU_SHARES.default, mask, bound, boundBy: by, fixed: null, limitedBy: 'share' };
  });
  const sets = unionsOf(
    entries.map((e) => e.mask),
    all,
  ).map((mask) => ({ mask, size: popcount(mask), members: entries.filter((e) => (e.mask & ~mask) === 0n) }));

  const at = (e: Entry, level: number) => e.fixed ?? Math.min(e.bound, e.weight * level);
  const fits = (level: number) => sets.every((s) => s.members.reduce((sum, e) => sum + at(e, level), 0) <= s.size + EPS);

  for (const e of entries) if (e.bound <= EPS) e.fixed = 0;
  for (let round = 0; round <= entries.length; round++) {
    const open = entries.filter((e) => e.fixed === null);
    if (open.length === 0) break;
    // The water level: the highest at which every set of CPUs still holds what its guests get (bisection: the
    // constraints are monotone in the level).
    let lo = 0;
    let hi = Math.max(...open.map((e) => e.bound / e.weight));
    if (fits(hi)) lo = hi;
    else {
      for (let i = 0; i < 100; i++) {
        const mid = (lo + hi) / 2;
        if (fits(mid)) lo = mid;
        else hi = mid;
      }
    }
    const full = sets.filter((s) => s.members.reduce((sum, e) => sum + at(e, lo), 0) >= s.size - 1e-7);
    let froze = false;
    for (const e of open) {
      const value = at(e, lo);
      const inFullSet = full.some((s) => s.members.includes(e));
      if (value >= e.bound - 1e-7 || inFullSet) {
        e.fixed = value;
        // At its own bound it would not take more even from a free CPU: that bound, not the others, limits it.
        e.limitedBy = value >= e.bound - 1e-7 ? e.boundBy : 'share';
        froze = true;
      }
    }
    if (!froze) for (const e of open) e.fixed = at(e, lo); // numerical safety: never loop without progress
  }
  for (const e of entries) if (e.bound <= EPS) e.limitedBy = e.boundBy;
  return entries.map((e) => ({ name: e.c.name, shares: e.c.shares, cpus: e.fixed ?? 0, limitedBy: e.limitedBy }));
}

/** A guest counts as not asking for its share when it used less than this part of what the model gives it. */
const IDLE_BELOW = 0.8;

/**
 * The guests that evidently do not want their share, with what they use (CPUs, over the last seconds): a guest using
 * much less than the model gives it is not CPU-bound, so what it leaves goes to the others; a guest using about what
 * it gets may want more and stays a full competitor. Judge it on the settings the samples were taken under: a preview
 * keeps these demands while the dragged values change. A guest without a measurement (not running yet) wants all it
 * can use.
 */
export function idleDemands(
  guests: readonly Contender[],
  hostCpus: readonly number[],
  measured: Readonly<Record<string, number>>,
): Record<string, number> {
  const demand: Record<string, number> = {};
  for (let round = 0; round < guests.length; round++) {
    let changed = false;
    for (const a of allocateCpu(withDemands(guests, demand), hostCpus)) {
      const used = measured[a.name];
      if (used === undefined || a.name in demand || used >= IDLE_BELOW * a.cpus) continue;
      demand[a.name] = used;
      changed = true;
    }
    if (!changed) break;
  }
  return demand;
}

/** The guests with these demands as bounds (a demand never raises a bound). */
export const withDemands = (guests: readonly Contender[], demand: Readonly<Record<string, number>>): Contender[] =>
  guests.map((g) => (g.name in demand ? { ...g, demandCpus: Math.min(g.demandCpus ?? Infinity, demand[g.name]!) } : g));

/** The host's CPU numbers from a kernel cpulist (`0-3,8`), or 0…n-1 for a count. */
export function cpuList(spec: string | number): number[] {
  if (typeof spec === 'number') return Array.from({ length: Math.max(0, spec) }, (_, i) => i);
  return spec
    .split(',')
    .filter(Boolean)
    .flatMap((part) => {
      const [a, b] = part.split('-').map(Number) as [number, number | undefined];
      return b === undefined ? [a] : Array.from({ length: b - a + 1 }, (_, i) => a + i);
    });
}

/** Fewer samples than this in the window say nothing yet about a guest's use. */
const MIN_SAMPLES = 3;

/**
 * What a guest used over the last `windowMs` of its samples, in CPUs: the median of its CPU % (a run's first sample
 * reads 0, having nothing to compare with; one odd sample must not make a busy guest look idle). Undefined until
 * there are enough samples.
 */
export function recentUse(at: readonly number[], cpuPercent: readonly number[], windowMs = 5000): number | undefined {
  const last = at[at.length - 1];
  if (last === undefined) return undefined;
  const window: number[] = [];
  for (let i = at.length - 1; i >= 0 && at[i]! > last - windowMs; i--) window.push(cpuPercent[i]!);
  if (window.length < MIN_SAMPLES) return undefined;
  window.sort((a, b) => a - b);
  const mid = window.length >> 1;
  return (window.length % 2 ? window[mid]! : (window[mid - 1]! + window[mid]!) / 2) / 100;
}
