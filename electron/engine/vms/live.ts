// Changing a running guest: its group moves to the next settings through the table of tunables, and what it runs
// with now (`live`) follows. Used by vm:update, sched:set and devices:set alike.
import { CgvirtError, CPU_SHARES, type Controller, type Definition } from '../../../shared';
import type { GuestGroup } from '../cgroup';
import type { EngineContext } from './context';
import type { RunningGuest } from './running';
import { retune } from './tunables';

/** The running guest's group for a live change, or UNSUPPORTED saying why there is none. */
export function groupFor(ctx: EngineContext, r: RunningGuest, controller: Controller): GuestGroup {
  ctx.cgroups.backend(controller); // UNSUPPORTED naming the controller when this host lacks it
  if (!r.group) throw new CgvirtError('UNSUPPORTED', `guest '${r.name}' does not run in a cgroup of ours, so live changes cannot apply`);
  return r.group;
}

/** Moves a running guest to `next` for the fields that can change live; all or nothing (see `retune`). */
export function applyLive(ctx: EngineContext, r: RunningGuest, next: Definition): void {
  if (r.group) {
    const target = { group: r.group, acl: r.acl };
    retune(target, r.live, next, () => ctx.cgroups.availableCpus());
    r.acl = target.acl;
  }
  r.live = next;
  recordShares(ctx, r, next.cpu.shares ?? CPU_SHARES.default);
}

/**
 * Keeps the last-set shares, so `get` returns exactly what was set. Only a lossy backend (v2's weight) needs it in
 * the status file for a reattached engine; on v1 cpu.shares itself is exact, and the file write (260 µs on this
 * disk) would be most of a slider step.
 */
function recordShares(ctx: EngineContext, r: RunningGuest, shares: number): void {
  if (r.status.shares === shares) return;
  r.status = { ...r.status, shares };
  if (r.group && ctx.cgroups.backend('cpu').version === 2) ctx.runtime.writeStatus(r.status);
}
