import { describe, expect, it } from 'vitest';
import { allocateCpu, cpuList, idleDemands, recentUse, withDemands, type Contender } from './contention';

const busy = (name: string, shares: number, more: Partial<Contender> = {}): Contender => ({ name, shares, vcpus: 1, ...more });
const cpusOf = (allocations: { name: string; cpus: number }[]) => Object.fromEntries(allocations.map((a) => [a.name, Math.round(a.cpus * 1000) / 1000]));
const TWO = [0, 1];

describe('CPU under contention (weighted max-min fair share over the host CPUs)', () => {
  it('two busy 1-vCPU guests on two CPUs each get a whole CPU, whatever their priorities', () => {
    const a = allocateCpu([busy('a', 2048), busy('b', 1024)], TWO);
    expect(cpusOf(a)).toEqual({ a: 1, b: 1 });
    expect(a.map((x) => x.limitedBy)).toEqual(['vcpus', 'vcpus']);
  });

  it('4:1:1 unpinned on two CPUs: the 4× guest is held by its one vCPU, the others split the second CPU', () => {
    expect(cpusOf(allocateCpu([busy('a', 4096), busy('b', 1024), busy('c', 1024)], TWO))).toEqual({ a: 1, b: 0.5, c: 0.5 });
  });

  it('4:1:1 pinned to one CPU: the weights split it, 4/6, 1/6, 1/6', () => {
    const pinned = { cpus: [0] };
    const a = allocateCpu([busy('a', 4096, pinned), busy('b', 1024, pinned), busy('c', 1024, pinned)], TWO);
    expect(cpusOf(a)).toEqual({ a: 0.667, b: 0.167, c: 0.167 });
    expect(a.every((x) => x.limitedBy === 'share')).toBe(true);
  });

  it('a guest capped at 48 % gets 48 %, and what its weight would have taken goes to the other', () => {
    const pinned = { cpus: [0] };
    const a = allocateCpu([busy('a', 2048, { ...pinned, capCpus: 0.48 }), busy('b', 1024, pinned)], TWO);
    expect(cpusOf(a)).toEqual({ a: 0.48, b: 0.52 });
    expect(a[0]!.limitedBy).toBe('cap');
  });

  it('a 2-vCPU guest against two 1-vCPU ones at equal priority: two CPUs split three ways', () => {
    expect(cpusOf(allocateCpu([busy('big', 1024, { vcpus: 2 }), busy('b', 1024), busy('c', 1024)], TWO))).toEqual({ big: 0.667, b: 0.667, c: 0.667 });
  });

  it('a 2-vCPU guest at 4× takes both CPUs’ worth its weight allows, up to its two threads', () => {
    expect(cpusOf(allocateCpu([busy('big', 4096, { vcpus: 2 }), busy('b', 1024), busy('c', 1024)], TWO))).toEqual({ big: 1.333, b: 0.333, c: 0.333 });
  });

  it('idle guests do not compete: what they leave, the busy ones share', () => {
    const idle = { demandCpus: 0.01 };
    const a = allocateCpu([busy('a', 4096), busy('b', 1024), busy('c', 1024), busy('i1', 1024, idle), busy('i2', 1024, idle)], TWO);
    expect(cpusOf(a)).toEqual({ a: 1, b: 0.49, c: 0.49, i1: 0.01, i2: 0.01 });
    expect(a[3]!.limitedBy).toBe('demand');
  });

  it('overlapping cpusets: a guest free to use both CPUs gets what the pinned ones leave', () => {
    // a and b share CPU 0; c may use both: CPU 0 is full with a and b, c gets CPU 1 alone.
    const a = allocateCpu([busy('a', 1024, { cpus: [0] }), busy('b', 1024, { cpus: [0] }), busy('c', 1024, { cpus: [0, 1] })], TWO);
    expect(cpusOf(a)).toEqual({ a: 0.5, b: 0.5, c: 1 });
  });

  it('never hands out more than the host has, nor more than a guest can use', () => {
    const guests = Array.from({ length: 9 }, (_, i) => busy(`g${i}`, 2 + i * 5000, { vcpus: 1 + (i % 3), cpus: i % 2 ? [0] : undefined }));
    const a = allocateCpu(guests, [0, 1, 2, 3]);
    expect(a.reduce((s, x) => s + x.cpus, 0)).toBeLessThanOrEqual(4 + 1e-6);
    for (const [i, x] of a.entries()) expect(x.cpus).toBeLessThanOrEqual(Math.min(guests[i]!.vcpus, guests[i]!.cpus ? 1 : 4) + 1e-6);
    const pinned = a.filter((_, i) => i % 2 === 1);
    expect(pinned.reduce((s, x) => s + x.cpus, 0)).toBeLessThanOrEqual(1 + 1e-6);
  });

  it('a guest with no CPU it may use, or no guest at all, gets nothing', () => {
    expect(cpusOf(allocateCpu([busy('a', 1024, { cpus: [7] })], TWO))).toEqual({ a: 0 });
    expect(allocateCpu([], TWO)).toEqual([]);
  });
});

describe('demand from measured use', () => {
  const withUse = (guests: Contender[], measured: Record<string, number>) => allocateCpu(withDemands(guests, idleDemands(guests, TWO, measured)), TWO);

  it('a running guest that uses much less than it would get is taken at its use; one near its share keeps competing', () => {
    const guests = [busy('a', 1024, { cpus: [0] }), busy('b', 1024, { cpus: [0] }), busy('c', 1024, { cpus: [0] })];
    // c idles (2 %); a and b each use about the half of CPU 0 they get.
    expect(idleDemands(guests, TWO, { a: 0.49, b: 0.49, c: 0.02 })).toEqual({ c: 0.02 });
    const a = withUse(guests, { a: 0.49, b: 0.49, c: 0.02 });
    expect(cpusOf(a)).toEqual({ a: 0.49, b: 0.49, c: 0.02 });
    expect(a[2]!.limitedBy).toBe('demand');
    // Not yet running (no measurement): counts as wanting all it can use.
    expect(cpusOf(withUse(guests, { a: 0.49, b: 0.49 }))).toEqual({ a: 0.333, b: 0.333, c: 0.333 });
  });

  it('a preview keeps the demands judged on the applied settings: raising a busy guest shows its gain', () => {
    const now = [busy('a', 1024, { cpus: [0] }), busy('b', 1024, { cpus: [0] })];
    const demands = idleDemands(now, TWO, { a: 0.5, b: 0.5 });
    expect(demands).toEqual({});
    const preview = [busy('a', 4096, { cpus: [0] }), busy('b', 1024, { cpus: [0] })];
    expect(cpusOf(allocateCpu(withDemands(preview, demands), TWO))).toEqual({ a: 0.8, b: 0.2 });
  });

  it('reads recent use from a guest’s samples: the median of the last seconds, once there are enough', () => {
    expect(recentUse([1000, 2000, 3000, 8000, 9000, 10000], [90, 90, 90, 40, 50, 60], 5000)).toBeCloseTo(0.5);
    // A run's first sample reads 0: it does not make a busy guest look idle.
    expect(recentUse([1000, 2000, 3000], [0, 100, 100])).toBeCloseTo(1);
    expect(recentUse([1000, 2000], [100, 100])).toBeUndefined();
    expect(recentUse([], [])).toBeUndefined();
  });
});

describe('cpuList', () => {
  it('reads a kernel cpulist or a count', () => {
    expect(cpuList('0-3,8')).toEqual([0, 1, 2, 3, 8]);
    expect(cpuList('1')).toEqual([1]);
    expect(cpuList(2)).toEqual([0, 1]);
  });
});
