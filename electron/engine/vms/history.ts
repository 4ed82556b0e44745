// The last minutes of what the graphs draw, kept by the engine rather than by each page: every stats tick, and every
// priority change with its time. A page (a second tab, a reload, a reconnect after the engine restarted) asks for it
// once and then follows the pushed ticks, so all of them show the same graphs.
import { HISTORY_WINDOW_MS, type PriorityMarkEvent, type StatsHistory, type StatsTick } from '../../../shared';

export class History {
  private ticks: StatsTick[] = [];
  private marks: PriorityMarkEvent[] = [];

  constructor(private readonly windowMs = HISTORY_WINDOW_MS) {}

  addTick(tick: StatsTick): void {
    this.ticks.push(tick);
    this.trim(tick.at);
  }

  /** A guest's priority changed (live or saved), now. */
  addMark(name: string, shares: number, at = Date.now()): void {
    const last = this.marks.findLast((m) => m.name === name);
    if (last?.shares === shares) return;
    this.marks.push({ name, at, shares });
    this.trim(at);
  }

  /** A guest that is gone leaves no marks behind (a new one of the same name starts clean). */
  forget(name: string): void {
    this.marks = this.marks.filter((m) => m.name !== name);
  }

  snapshot(): StatsHistory {
    return { ticks: [...this.ticks], marks: [...this.marks] };
  }

  private trim(now: number): void {
    const cutoff = now - this.windowMs;
    if (this.ticks.length && this.ticks[0]!.at < cutoff) this.ticks = this.ticks.filter((t) => t.at >= cutoff);
    if (this.marks.length && this.marks[0]!.at < cutoff) this.marks = this.marks.filter((m) => m.at >= cutoff);
  }
}
