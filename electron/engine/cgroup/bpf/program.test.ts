// The device program's verdicts and lookup order, run on a STAND-IN interpreter (testing/ebpf-interpreter.ts): the
// kernel cannot test-run a cgroup device program. Its verdicts in the real kernel: device-filter.int.test.ts.
import { describe, expect, it } from 'vitest';
import { runEbpf } from '../../../../testing/ebpf-interpreter';
import { encode } from './insns';
import { ACC_MKNOD, ACC_READ, ACC_WRITE, ANY, DEV_BLOCK, DEV_CHAR, deviceProgram, encodeKey, encodeMask, type FilterKey } from './program';

const FD = 3;
const bytes = encode(deviceProgram(FD));
const k = (type: FilterKey['type'], major: number, minor: number) => encodeKey({ type, major, minor }).toString('hex');

function run(entries: [FilterKey, number][], type: FilterKey['type'], major: number, minor: number, access: number) {
  const map = new Map(entries.map(([key, mask]) => [encodeKey(key).toString('hex'), encodeMask(mask)]));
  return runEbpf(bytes, { ctx: { accessType: (access << 16) | type, major, minor }, maps: new Map([[FD, map]]) });
}

describe('device filter program (STAND-IN interpreter)', () => {
  it('denies everything with an empty map, after the three lookups in order: exact, minor *, major and minor *', () => {
    const r = run([], DEV_CHAR, 1, 3, ACC_READ);
    expect(r.r0).toBe(0n);
    expect(r.lookups).toEqual([k(DEV_CHAR, 1, 3), k(DEV_CHAR, 1, ANY), k(DEV_CHAR, ANY, ANY)]);
  });

  it('allows what an exact entry grants, and nothing more', () => {
    const acl: [FilterKey, number][] = [[{ type: DEV_CHAR, major: 1, minor: 5 }, ACC_READ]];
    expect(run(acl, DEV_CHAR, 1, 5, ACC_READ).r0).toBe(1n);
    expect(run(acl, DEV_CHAR, 1, 5, ACC_WRITE).r0).toBe(0n);
    expect(run(acl, DEV_CHAR, 1, 5, ACC_READ | ACC_WRITE).r0).toBe(0n);
    expect(run(acl, DEV_BLOCK, 1, 5, ACC_READ).r0).toBe(0n); // the type is part of the key
    expect(run(acl, DEV_CHAR, 1, 3, ACC_READ).r0).toBe(0n);
  });

  it('stops at the first entry found: an exact entry is not widened by a wildcard one', () => {
    const acl: [FilterKey, number][] = [
      [{ type: DEV_CHAR, major: 136, minor: 2 }, ACC_READ],
      [{ type: DEV_CHAR, major: 136, minor: ANY }, ACC_READ | ACC_WRITE],
    ];
    const exact = run(acl, DEV_CHAR, 136, 2, ACC_WRITE);
    expect(exact.r0).toBe(0n);
    expect(exact.lookups).toEqual([k(DEV_CHAR, 136, 2)]);
    const other = run(acl, DEV_CHAR, 136, 7, ACC_WRITE);
    expect(other.r0).toBe(1n);
    expect(other.lookups).toEqual([k(DEV_CHAR, 136, 7), k(DEV_CHAR, 136, ANY)]);
  });

  it('falls back to a type-wide entry last', () => {
    const acl: [FilterKey, number][] = [[{ type: DEV_BLOCK, major: ANY, minor: ANY }, ACC_READ]];
    const r = run(acl, DEV_BLOCK, 8, 1, ACC_READ);
    expect(r.r0).toBe(1n);
    expect(r.lookups).toHaveLength(3);
    expect(run(acl, DEV_CHAR, 8, 1, ACC_READ).r0).toBe(0n);
  });

  it('never allows mknod, even when an entry claims to grant it', () => {
    const acl: [FilterKey, number][] = [[{ type: DEV_CHAR, major: 1, minor: 3 }, ACC_MKNOD | ACC_READ | ACC_WRITE]];
    expect(run(acl, DEV_CHAR, 1, 3, ACC_MKNOD).r0).toBe(0n);
    expect(run(acl, DEV_CHAR, 1, 3, ACC_READ | ACC_WRITE).r0).toBe(1n);
  });
});
