import { describe, expect, it } from 'vitest';
import { contendedShares, sharesOf, topShares } from './contended-share';

describe('share of contended CPU', () => {
  it('is each weight divided by the sum', () => {
    const s = contendedShares([
      { name: 'a', shares: 2048 },
      { name: 'b', shares: 1024 },
    ]);
    expect(s.map((x) => x.fraction)).toEqual([2 / 3, 1 / 3]);
  });

  it('adds up to the whole CPU', () => {
    const s = contendedShares([3, 7, 1024, 262144, 2].map((shares, i) => ({ name: `g${i}`, shares })));
    expect(s.reduce((sum, x) => sum + x.fraction, 0)).toBeCloseTo(1, 12);
  });

  it('gives a lone guest everything and an empty set nothing', () => {
    expect(contendedShares([{ name: 'a', shares: 300 }])[0]!.fraction).toBe(1);
    expect(contendedShares([])).toEqual([]);
  });

  it('reads an unset priority as the default', () => {
    expect(sharesOf(undefined)).toBe(1024);
    expect(sharesOf({})).toBe(1024);
    expect(sharesOf({ shares: 5 })).toBe(5);
  });

  it('shows the largest shares, keeps the focused guest, and sums the rest', () => {
    const all = contendedShares(Array.from({ length: 10 }, (_, i) => ({ name: `g${i}`, shares: 100 * (i + 1) })));
    const { shown, others } = topShares(all, 3, 'g0');
    expect(shown.map((s) => s.name)).toEqual(['g9', 'g8', 'g0']);
    expect(others.count).toBe(7);
    expect(others.fraction + shown.reduce((sum, s) => sum + s.fraction, 0)).toBeCloseTo(1, 12);
  });
});
