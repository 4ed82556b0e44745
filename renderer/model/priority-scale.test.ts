import { describe, expect, it } from 'vitest';
import { CPU_SHARES } from '../../shared';
import { PRIORITY_SCALE, formatMultiplier, keyMove, positionToShares, quantize, sharesToPosition, snap } from './priority-scale';

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

  it('has fine steps for a drag: neighbouring steps differ by under 3%', () => {
    const a = positionToShares(quantize(1 / PRIORITY_SCALE.stepsPerOctave));
    expect(a).toBeGreaterThan(1024);
    expect(a / 1024).toBeLessThan(1.03);
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

  it('moves by key between the marked multiples: arrows in quarter octaves landing on them, PageUp/PageDown to the next', () => {
    expect(keyMove(PRIORITY_SCALE.max, 'ArrowRight')).toBe(PRIORITY_SCALE.max);
    expect(keyMove(PRIORITY_SCALE.min, 'ArrowLeft')).toBe(PRIORITY_SCALE.min);
    // Four arrow presses up from 1× make exactly 2×, each ×1.19.
    const seen: number[] = [];
    let p = 0;
    for (let i = 0; i < 4; i++) seen.push(positionToShares((p = keyMove(p, 'ArrowRight'))));
    expect(seen).toEqual([1218, 1448, 1722, 2048]);
    // The same when each press starts from the shares the previous one applied (whole numbers, so a little off).
    let shares = 1024;
    for (let i = 0; i < 4; i++) shares = positionToShares(keyMove(sharesToPosition(shares), 'ArrowRight'));
    expect(shares).toBe(2048);
    for (let i = 0; i < 4; i++) shares = positionToShares(keyMove(sharesToPosition(shares), 'ArrowLeft'));
    expect(shares).toBe(1024);
    // PageUp/PageDown land on the marks, from anywhere (1500 shares is between 1× and 2×).
    expect(positionToShares(keyMove(0, 'PageUp'))).toBe(2048);
    expect(positionToShares(keyMove(0, 'PageDown'))).toBe(512);
    expect(positionToShares(keyMove(sharesToPosition(1500), 'PageUp'))).toBe(2048);
    expect(positionToShares(keyMove(sharesToPosition(1500), 'PageDown'))).toBe(1024);
    expect(positionToShares(keyMove(sharesToPosition(1500), 'ArrowLeft'))).toBe(1448);
    expect(keyMove(0.3, 'Home')).toBe(PRIORITY_SCALE.min);
    expect(keyMove(0.3, 'End')).toBe(PRIORITY_SCALE.max);
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
