// The engine's statistics ticks: the latest values of the running guests, two minutes of history per guest for the
// graphs and sparklines, and how far the engine's clock is from this page's.
import type { GuestStats, StatsHistory, StatsTick } from '../../../shared';
import { appendTick, type GuestHistory } from './history';
import type { SliceCreator } from './app-state';
import { marksFrom } from './tuning';

export interface StatsSlice {
  /** The latest tick's values, for running guests only. */
  stats: Record<string, GuestStats>;
  history: Record<string, GuestHistory>;
  /** Engine clock minus this page's clock, so marks made here line up with the engine's samples. */
  clockOffsetMs: number;
  /** One update for all guests, however many there are. */
  statsTick(tick: StatsTick): void;
  /**
   * The engine's last minutes of ticks and priority changes: from its first tick on they replace what this page had
   * (it may have missed some while disconnected); what the page saw before that stays (an engine that restarted
   * starts its record anew, and the graphs should not go blank).
   */
  historyLoaded(history: StatsHistory): void;
}

export const statsSlice: SliceCreator<StatsSlice> = (set) => ({
  stats: {},
  history: {},
  clockOffsetMs: 0,

  statsTick: (tick) =>
    set((s) => ({
      stats: Object.fromEntries(tick.guests.map((g) => [g.name, g])),
      history: appendTick(s.history, tick),
      clockOffsetMs: tick.at - Date.now(),
    })),

  historyLoaded: ({ ticks, marks }) =>
    set((s) => {
      const last = ticks[ticks.length - 1];
      const from = ticks[0]?.at ?? Infinity;
      const kept = Object.fromEntries(
        Object.entries(s.history).flatMap(([name, h]): [string, GuestHistory][] => {
          const n = h.at.findIndex((at) => at >= from);
          const end = n < 0 ? h.at.length : n;
          return end > 0 ? [[name, { at: h.at.slice(0, end), cpuPercent: h.cpuPercent.slice(0, end), memoryBytes: h.memoryBytes.slice(0, end) }]] : [];
        }),
      );
      const pageMarks = Object.entries(s.marks).flatMap(([name, list]) => list.filter((m) => m.at < from).map((m) => ({ name, ...m })));
      return {
        history: ticks.reduce<Record<string, GuestHistory>>((h, tick) => appendTick(h, tick), kept),
        marks: marksFrom([...pageMarks, ...marks].sort((a, b) => a.at - b.at)),
        ...(last ? { clockOffsetMs: last.at - Date.now() } : {}),
        stats: last ? Object.fromEntries(last.guests.map((g) => [g.name, g])) : s.stats,
      };
    }),
});
