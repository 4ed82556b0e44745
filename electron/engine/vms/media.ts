// A CD-ROM drive's medium: insert an image or eject it. On a running guest the change is made live (QMP, naming the
// drive by its qdev id) and saved in the definition — the window's default, as a user swapping a disc expects it to
// stay; on a shut-off guest only the definition changes. Nothing is half-applied: QEMU first, then the definition,
// and if the definition cannot be saved, QEMU gets the old medium back.
import { CgvirtError, invalidArg, isTransient, operationInvalid, quoteName, type Cdrom, type ChannelApi } from '../../../shared';
import { cdromId, cdromNode } from '../qemu/hardware';
import { isQmpError } from '../qemu/qmp';
import { audit, scopeWords } from './audit';
import type { EngineContext } from './context';
import { pathProblem } from './definitions';
import type { RunningGuest } from './running';

const drives = (n: number) => `${n} CD-ROM drive${n === 1 ? '' : 's'}`;

/** The error for a refused medium change: a tray the guest locked is the user's to decide about, anything else QEMU's. */
export function mediaError(name: string, drive: number, path: string | undefined, e: unknown): CgvirtError {
  if (isQmpError(e, 'command') && /\bis locked\b/.test(e.desc ?? '')) {
    return new CgvirtError(
      'OPERATION_INVALID',
      `guest '${name}' has locked CD-ROM drive ${drive} (its operating system holds the tray shut) and was asked to release it; ` +
        `eject the disc from inside the guest, or use force to eject it anyway`,
    );
  }
  const what = path === undefined ? 'eject the medium of' : `insert '${quoteName(path)}' into`;
  return new CgvirtError('OPERATION_FAILED', `QEMU refused to ${what} CD-ROM drive ${drive} of '${name}': ${(e as Error).message}`);
}

const withMedium = (cd: Cdrom, path: string | undefined): Cdrom => {
  const next: Cdrom = { ...cd };
  if (path === undefined) delete next.path;
  else next.path = path;
  return next;
};

/** Inserts `path` (or ejects, when undefined) into drive `drive` of the running guest, and records it in `live`. */
export async function changeMediumLive(r: RunningGuest, drive: number, path: string | undefined, force: boolean): Promise<void> {
  const id = cdromId(drive);
  const forced = force ? { force: true } : {};
  try {
    if (path === undefined) await r.qmp.execute('eject', { id, ...forced });
    else await r.qmp.execute('blockdev-change-medium', { id, filename: path, format: 'raw', 'read-only-mode': 'read-only', ...forced });
  } catch (e) {
    throw mediaError(r.name, drive, path, e);
  }
  // The medium given at start is a -blockdev node the monitor owns: an eject or a change leaves it open (the ISO stays
  // held by QEMU) until it is deleted. Gone already (a second change) is fine.
  await r.qmp.execute('blockdev-del', { 'node-name': cdromNode(drive) }).catch(() => undefined);
  r.live = { ...r.live, cdroms: r.live.cdroms.map((cd, i) => (i === drive ? withMedium(cd, path) : cd)) };
}

export function mediaChannels(ctx: EngineContext) {
  const { guests, queue, store } = ctx;
  return {
    vmMedia: ({ name, drive, path, force }) =>
      queue.run(name, async () => {
        const def = guests.def(name);
        const state = guests.stateOf(name);
        if (isTransient(state)) throw operationInvalid(`cannot change a CD-ROM of guest '${name}' while it is ${state}; try again once it has`);
        const r = guests.get(name);
        if (drive >= def.cdroms.length) throw invalidArg(`drive ${drive} does not exist: guest '${name}' has ${drives(def.cdroms.length)}`);
        if (r && drive >= r.live.cdroms.length) {
          throw operationInvalid(
            `drive ${drive} of guest '${name}' was added after the guest started (it runs with ${drives(r.live.cdroms.length)}); it exists from its next start`,
          );
        }
        if (path !== undefined) {
          const problem = pathProblem('path', path, { block: false, write: false });
          if (problem) throw invalidArg(problem);
        }
        const before = r?.live.cdroms[drive]?.path;
        if (r) await changeMediumLive(r, drive, path, force === true);
        try {
          await store.save({ ...def, cdroms: def.cdroms.map((cd, i) => (i === drive ? withMedium(cd, path) : cd)) });
        } catch (e) {
          if (r) await changeMediumLive(r, drive, before, true).catch(() => undefined);
          throw e;
        }
        const what = path === undefined ? `medium ejected${force ? ' (forced)' : ''}` : `${path} inserted`;
        audit(ctx, name, `CD-ROM drive ${drive}: ${what}, ${scopeWords({ live: Boolean(r), config: true })}`);
        guests.changed(name);
        return guests.info(guests.def(name));
      }),
  } satisfies Partial<ChannelApi>;
}
