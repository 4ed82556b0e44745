// Stats for many guests per tick without holding the event loop: synchronous reads (see fs.ts for why) in batches,
// yielding between batches so IPC requests and QMP events are served in the middle of a 1000-guest tick.
import type { GroupStats } from './backend';
import type { GuestGroup } from './hierarchy';

const BATCH = 25; // about half a millisecond of reads on this machine
const yieldToEventLoop = () => new Promise<void>((r) => setImmediate(r));

export async function readGuestStats(groups: readonly GuestGroup[]): Promise<Map<string, GroupStats>> {
  const out = new Map<string, GroupStats>();
  for (let i = 0; i < groups.length; i++) {
    if (i > 0 && i % BATCH === 0) await yieldToEventLoop();
    const g = groups[i]!;
    try {
      out.set(g.name, g.stats());
    } catch {
      // A group removed mid-tick (the guest stopped) simply has no stats this tick.
    }
  }
  return out;
}
