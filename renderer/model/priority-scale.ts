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

/** The keyboard's move: `steps` fine steps from the nearest one, kept on the track. */
export function stepFrom(position: number, steps: number): number {
  return quantize(quantize(position) + steps / PRIORITY_SCALE.stepsPerOctave);
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
