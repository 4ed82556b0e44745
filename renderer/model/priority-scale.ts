// The priority slider's scale: position = log2(shares ÷ default), so each octave (½×, 1×, 2×, 4×) is the same length
// and a doubling feels the same anywhere on the track. Fine steps of 1/24 octave (≈2.9%); a drag that lands near a
// marked multiple (¼× ½× 1× 2× 4× 8×) snaps to it: "twice the CPU" is a mark a mouse can hit, not a pixel hunt.
import { CPU_SHARES } from '../../shared';

export const PRIORITY_SCALE = {
  /** ¼× */
  min: -2,
  /** 8× */
  max: 3,
  stepsPerOctave: 24,
  /** A drag that lands within this of a marked multiple lands on it (one step either side). */
  snapRadius: 1.5 / 24,
} as const;

const clamp = (v: number, lo: number, hi: number) => Math.min(hi, Math.max(lo, v));

/** Where `shares` sits on the track; values beyond ¼×…8× pin to the ends. */
export function sharesToPosition(shares: number): number {
  return clamp(Math.log2(shares / CPU_SHARES.default), PRIORITY_SCALE.min, PRIORITY_SCALE.max);
}

/** The `cpu_shares` value at a track position, an integer the engine accepts. */
export function positionToShares(position: number): number {
  const p = clamp(position, PRIORITY_SCALE.min, PRIORITY_SCALE.max);
  return clamp(Math.round(CPU_SHARES.default * 2 ** p), CPU_SHARES.min, CPU_SHARES.max);
}

/** The nearest fine step. */
export function quantize(position: number): number {
  const k = Math.round(clamp(position, PRIORITY_SCALE.min, PRIORITY_SCALE.max) * PRIORITY_SCALE.stepsPerOctave);
  return k / PRIORITY_SCALE.stepsPerOctave;
}

/** What a pointer drag lands on: the nearest fine step, or exactly a marked multiple (an octave) when close to it. */
export function snap(position: number): number {
  const mark = Math.round(position);
  return Math.abs(position - mark) <= PRIORITY_SCALE.snapRadius ? clamp(mark, PRIORITY_SCALE.min, PRIORITY_SCALE.max) : quantize(position);
}

/** Arrow keys move by a quarter octave (×1.19): four presses make a doubling, and each fourth lands on a mark. */
const ARROWS_PER_OCTAVE = 4;

/**
 * A position read back from whole shares is off its grid point by up to a rounding (1448 shares is 0.49985 octaves,
 * not ½): within this part of a grid step it counts as on the point, or an arrow press would land on it again.
 */
const ON_GRID = 0.02;

/** The next point of a grid of `per` points per octave above (dir 1) or below (dir -1) `position`, on the track. */
function nextOnGrid(position: number, per: number, dir: 1 | -1): number {
  const k = position * per;
  const next = dir > 0 ? Math.floor(k + ON_GRID) + 1 : Math.ceil(k - ON_GRID) - 1;
  return clamp(next / per, PRIORITY_SCALE.min, PRIORITY_SCALE.max);
}

export type PriorityKey = 'ArrowLeft' | 'ArrowDown' | 'ArrowRight' | 'ArrowUp' | 'PageDown' | 'PageUp' | 'Home' | 'End';

/**
 * Where a key moves the slider: arrows to the next quarter octave (landing on every marked multiple on the way),
 * PageUp/PageDown to the next marked multiple (1×, 2×, ½×…), Home/End to the ends — from wherever it is.
 */
export function keyMove(position: number, key: PriorityKey): number {
  switch (key) {
    case 'ArrowRight':
    case 'ArrowUp':
      return nextOnGrid(position, ARROWS_PER_OCTAVE, 1);
    case 'ArrowLeft':
    case 'ArrowDown':
      return nextOnGrid(position, ARROWS_PER_OCTAVE, -1);
    case 'PageUp':
      return nextOnGrid(position, 1, 1);
    case 'PageDown':
      return nextOnGrid(position, 1, -1);
    case 'Home':
      return PRIORITY_SCALE.min;
    case 'End':
      return PRIORITY_SCALE.max;
  }
}

/** Shares as a multiple of the default: "1×", "2×", "½×", "1.06×", "0.71×". */
export function formatMultiplier(shares: number): string {
  const m = shares / CPU_SHARES.default;
  const fractions: Record<number, string> = { 0.5: '½', 0.25: '¼', 0.75: '¾' };
  const named = fractions[m];
  if (named) return `${named}×`;
  const digits = m >= 10 ? 0 : m >= 0.1 ? 2 : 3;
  return `${Number(m.toFixed(digits))}×`;
}
