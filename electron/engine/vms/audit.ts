// The trail of what cgvirt did to a guest, in the guest's own log beside QEMU's output: priority, cap, device and
// settings changes and a reattach, next to the starts and stops lifecycle.ts writes. Written without waiting: a
// slider step must not pay for a log write, and a full disk must not fail the change it describes.
import { CPU_PERIOD_US, CPU_SHARES, type CpuTuning } from '../../../shared';
import { appendLogLine } from '../qemu/log';
import type { EngineContext } from './context';

export function audit(ctx: EngineContext, name: string, line: string): void {
  void appendLogLine(ctx.lifecycle.logPath(name), line).catch(() => undefined);
}

/** Where a change went, in words: the running guest, its saved settings, or both. */
export const scopeWords = (s: { live: boolean; config: boolean }) =>
  s.live && s.config ? 'in effect now and saved' : s.live ? 'in effect now, not saved' : 'saved for the next start';

/** A CPU tuning change as a trail line: what differs between `before` and `after`. */
export function cpuChange(before: CpuTuning, after: CpuTuning): string | null {
  const parts: string[] = [];
  const shares = (c: CpuTuning) => c.shares ?? CPU_SHARES.default;
  if (shares(before) !== shares(after)) parts.push(`priority ${Number((shares(after) / CPU_SHARES.default).toFixed(2))}× (${shares(after)} shares)`);
  const cap = (c: CpuTuning) =>
    c.quotaUs === undefined ? 'no CPU cap' : `CPU cap ${Number(((c.quotaUs / (c.periodUs ?? CPU_PERIOD_US.default)) * 100).toFixed(1))}% of one CPU`;
  if (cap(before) !== cap(after)) parts.push(cap(after));
  return parts.length ? parts.join(', ') : null;
}
