import { describe, expect, it } from 'vitest';
import { CPU_SHARES } from '../../../shared';
import { sharesForWeight, sharesToWeight, weightToShares } from './cpu-weight';

describe('cpu_shares ↔ cpu.weight', () => {
  it('meets at the defaults and keeps ratios', () => {
    expect(sharesToWeight(1024)).toBe(100);
    expect(sharesToWeight(2048)).toBe(200);
    expect(sharesToWeight(512)).toBe(50);
    expect(sharesToWeight(256)).toBe(25);
    expect(weightToShares(100)).toBe(1024);
  });
  it('clamps to the v2 range at both ends', () => {
    expect(sharesToWeight(CPU_SHARES.min)).toBe(1);
    expect(sharesToWeight(CPU_SHARES.max)).toBe(10000);
    expect(sharesToWeight(102400)).toBe(10000);
    expect(weightToShares(1)).toBe(10);
    expect(weightToShares(10000)).toBe(102400);
  });
  it('returns exactly what was set for every share value, when the weight still matches', () => {
    for (let s = CPU_SHARES.min; s <= CPU_SHARES.max; s += 97) {
      expect(sharesForWeight(sharesToWeight(s), s)).toBe(s);
    }
  });
  it('falls back to the inverse mapping when the weight was changed by someone else', () => {
    expect(sharesForWeight(300, 1024)).toBe(3072);
    expect(sharesForWeight(300)).toBe(3072);
  });
});
