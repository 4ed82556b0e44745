// When every running guest wants CPU at once, the kernel splits it in proportion to cpu_shares: each gets its weight
// divided by the sum. That is the number a user tuning priorities actually cares about.
import { CPU_SHARES } from '../../shared';

export interface ShareInput {
  name: string;
  shares: number;
}

export interface Share extends ShareInput {
  /** 0…1 of the contended CPU. */
  fraction: number;
}

export function contendedShares(guests: readonly ShareInput[]): Share[] {
  const total = guests.reduce((sum, g) => sum + g.shares, 0);
  return guests.map((g) => ({ ...g, fraction: total > 0 ? g.shares / total : 0 }));
}

/** A guest's shares as its definition states them, the default when unset. */
export const sharesOf = (cpu: { shares?: number | undefined } | undefined) => cpu?.shares ?? CPU_SHARES.default;

/** At most `limit` entries for display, the rest summed into one "others" entry; the focused guest is always kept. */
export function topShares(shares: readonly Share[], limit: number, keep?: string): { shown: Share[]; others: { count: number; fraction: number } } {
  const sorted = [...shares].sort((a, b) => b.fraction - a.fraction || a.name.localeCompare(b.name));
  let shown = sorted.slice(0, limit);
  if (keep && !shown.some((s) => s.name === keep)) {
    const kept = sorted.find((s) => s.name === keep);
    if (kept) shown = [...shown.slice(0, Math.max(0, limit - 1)), kept];
  }
  const names = new Set(shown.map((s) => s.name));
  const rest = sorted.filter((s) => !names.has(s.name));
  return { shown, others: { count: rest.length, fraction: rest.reduce((sum, s) => sum + s.fraction, 0) } };
}
