import { describe, expect, it } from 'vitest';
import { CPU_SHARES } from '../../shared';
import { PRIORITY_SCALE, formatMultiplier, positionToShares, quantize, sharesToPosition, snap, stepFrom } from './priority-scale';

describe('priority slider scale', () => {
  it('puts the default at 0 and each doubling one octave further', () => {
    expect(sharesToPosition(CPU_SHARES.default)).toBe(0);
    expect(sharesToPosition(2048)).toBe(1);
    expect(sharesToPosition(512)).toBe(-1);
    expect(positionToShares(0)).toBe(1024);
    expect(positionToShares(1)).toBe(2048);
  });

  it('runs from ¼× to 8× and pins values beyond the ends', () => {
    expect(positionToShares(PRIORITY_SCALE.min)).toBe(256);
    expect(positionToShares(PRIORITY_SCALE.max)).toBe(8192);
    expect(sharesToPosition(2)).toBe(PRIORITY_SCALE.min);
    expect(sharesToPosition(262144)).toBe(PRIORITY_SCALE.max);
    expect(positionToShares(-10)).toBe(256);
    expect(positionToShares(10)).toBe(8192);
  });

  it('round-trips every shares value on the track: shares → position → shares', () => {
    for (let shares = 256; shares <= 8192; shares++) {
      expect(positionToShares(sharesToPosition(shares))).toBe(shares);
    }
  });

  it('round-trips every fine step: position → shares → position', () => {
    const steps = (PRIORITY_SCALE.max - PRIORITY_SCALE.min) * PRIORITY_SCALE.stepsPerOctave;
    for (let k = 0; k <= steps; k++) {
      const p = PRIORITY_SCALE.min + k / PRIORITY_SCALE.stepsPerOctave;
      expect(quantize(sharesToPosition(positionToShares(p)))).toBeCloseTo(p, 12);
    }
  });

  it('has fine steps: neighbouring steps differ by under 3%', () => {
    const a = positionToShares(stepFrom(0, 1));
    expect(a).toBeGreaterThan(1024);
    expect(a / 1024).toBeLessThan(1.03);
    expect(positionToShares(stepFrom(0, -1))).toBeLessThan(1024);
  });

  it('snaps a drag near 1× to exactly 1×, and leaves farther positions on their step', () => {
    expect(positionToShares(snap(0.03))).toBe(1024);
    expect(positionToShares(snap(-0.05))).toBe(1024);
    expect(snap(PRIORITY_SCALE.snapRadius)).toBe(0);
    const outside = 2 / PRIORITY_SCALE.stepsPerOctave;
    expect(snap(outside)).toBeCloseTo(outside, 12);
    expect(positionToShares(snap(outside))).toBeGreaterThan(1024);
    expect(positionToShares(snap(1.01))).toBe(2048);
  });

  it('snaps a drag near any marked multiple (¼× ½× 2× 4× 8×) to exactly it', () => {
    expect(positionToShares(snap(1 + 1 / 24))).toBe(2048); // one step past 2× (2108 shares) is still 2×
    expect(positionToShares(snap(-1 - 0.05))).toBe(512);
    expect(positionToShares(snap(2.04))).toBe(4096);
    expect(positionToShares(snap(-2 + 0.02))).toBe(256);
    const between = 1.5; // √2×, far from any mark
    expect(positionToShares(snap(between))).toBe(positionToShares(quantize(between)));
  });

  it('keeps keyboard steps on the track', () => {
    expect(stepFrom(PRIORITY_SCALE.max, 1)).toBe(PRIORITY_SCALE.max);
    expect(stepFrom(PRIORITY_SCALE.min, -1)).toBe(PRIORITY_SCALE.min);
    // 24 steps up from 1× is exactly 2×.
    let p = 0;
    for (let i = 0; i < PRIORITY_SCALE.stepsPerOctave; i++) p = stepFrom(p, 1);
    expect(positionToShares(p)).toBe(2048);
  });

  it('writes priority as a multiple of the default', () => {
    expect(formatMultiplier(1024)).toBe('1×');
    expect(formatMultiplier(2048)).toBe('2×');
    expect(formatMultiplier(512)).toBe('½×');
    expect(formatMultiplier(256)).toBe('¼×');
    expect(formatMultiplier(8192)).toBe('8×');
    expect(formatMultiplier(1536)).toBe('1.5×');
    expect(formatMultiplier(1054)).toBe('1.03×');
    expect(formatMultiplier(2)).toBe('0.002×');
  });
});
