// Per-guest stats history for graphs and sparklines: the last two minutes of ticks, as column arrays (what uPlot takes).
import { HISTORY_WINDOW_MS, type StatsTick } from '../../../shared';

/** As long as the engine keeps its own record (so a page that connects later draws the same window). */
export const HISTORY_MS = HISTORY_WINDOW_MS;

export interface GuestHistory {
  /** Engine time of each sample, ms since epoch, increasing. */
  at: number[];
  cpuPercent: number[];
  memoryBytes: number[];
}

/** Index of the first sample still inside the window. */
function firstKept(at: readonly number[], cutoff: number): number {
  let i = 0;
  while (i < at.length && at[i]! < cutoff) i++;
  return i;
}

/**
 * The history with one tick added: new arrays for the guests in the tick, older samples dropped; guests that stopped
 * keep their samples until those age out. Guests untouched by the tick keep their object, so their views do not redraw.
 */
export function appendTick(history: Readonly<Record<string, GuestHistory>>, tick: StatsTick, windowMs: number = HISTORY_MS): Record<string, GuestHistory> {
  const cutoff = tick.at - windowMs;
  const next: Record<string, GuestHistory> = {};
  const seen = new Set<string>();
  for (const g of tick.guests) {
    seen.add(g.name);
    const prev = history[g.name];
    // A repeated or older tick (after a reconnect) would break the time axis.
    if (prev && prev.at.length > 0 && prev.at[prev.at.length - 1]! >= tick.at) {
      next[g.name] = prev;
      continue;
    }
    const from = prev ? firstKept(prev.at, cutoff) : 0;
    next[g.name] = {
      at: prev ? [...prev.at.slice(from), tick.at] : [tick.at],
      cpuPercent: prev ? [...prev.cpuPercent.slice(from), g.cpuPercent] : [g.cpuPercent],
      memoryBytes: prev ? [...prev.memoryBytes.slice(from), g.memoryBytes] : [g.memoryBytes],
    };
  }
  for (const [name, h] of Object.entries(history)) {
    if (seen.has(name)) continue;
    const from = firstKept(h.at, cutoff);
    if (from === 0) next[name] = h;
    else if (from < h.at.length) {
      next[name] = { at: h.at.slice(from), cpuPercent: h.cpuPercent.slice(from), memoryBytes: h.memoryBytes.slice(from) };
    }
  }
  return next;
}
