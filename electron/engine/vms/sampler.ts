// Samples every running guest's group once per tick and pushes one `stats:tick` for all of them, so a window does one
// store update per tick however many guests there are.
import { STATS_INTERVAL_MS, type GuestStats, type StatsTick } from '../../../shared';
import { readGuestStats, type GuestGroup } from '../cgroup';

export class StatsSampler {
  private timer: NodeJS.Timeout | null = null;
  private previous = new Map<string, { at: number; cpuUs: number }>();
  private busy = false;

  constructor(
    private readonly groups: () => GuestGroup[],
    private readonly emit: (tick: StatsTick) => void,
    private readonly intervalMs = STATS_INTERVAL_MS,
  ) {}

  start(): void {
    if (this.timer) return;
    this.timer = setInterval(() => void this.tick(), this.intervalMs);
    this.timer.unref();
  }

  stop(): void {
    if (this.timer) clearInterval(this.timer);
    this.timer = null;
  }

  /** One tick: reads, emits and returns it. A tick still running when the next is due is not doubled. */
  async tick(): Promise<StatsTick | null> {
    if (this.busy) return null;
    this.busy = true;
    try {
      const groups = this.groups();
      const stats = await readGuestStats(groups);
      const at = Date.now();
      const guests: GuestStats[] = [];
      const next = new Map<string, { at: number; cpuUs: number }>();
      for (const [name, s] of stats) {
        const cpuUs = s.cpuUs ?? 0;
        const prev = this.previous.get(name);
        const elapsedUs = prev ? (at - prev.at) * 1000 : 0;
        const cpuPercent = prev && elapsedUs > 0 ? Math.max(0, ((cpuUs - prev.cpuUs) / elapsedUs) * 100) : 0;
        guests.push({ name, cpuPercent, cpuTimeUs: cpuUs, memoryBytes: s.memoryBytes ?? 0 });
        next.set(name, { at, cpuUs });
      }
      this.previous = next;
      const tick = { at, guests };
      this.emit(tick);
      return tick;
    } finally {
      this.busy = false;
    }
  }
}
