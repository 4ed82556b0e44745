// The engine's statistics ticks: the latest values of the running guests, two minutes of history per guest for the
// graphs and sparklines, and how far the engine's clock is from this page's.
import type { GuestStats, StatsTick } from '../../../shared';
import { appendTick, type GuestHistory } from './history';
import type { SliceCreator } from './app-state';

export interface StatsSlice {
  /** The latest tick's values, for running guests only. */
  stats: Record<string, GuestStats>;
  history: Record<string, GuestHistory>;
  /** Engine clock minus this page's clock, so marks made here line up with the engine's samples. */
  clockOffsetMs: number;
  /** One update for all guests, however many there are. */
  statsTick(tick: StatsTick): void;
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
});
