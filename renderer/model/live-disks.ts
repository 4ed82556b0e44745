// A running guest's disks as the Settings tab lists them: the definition's disks and the ones its QEMU has now can
// differ (a live-only attach, a disk edit waiting for the next start), and each row says which, and what Detach does.
import { BUS_HOTPLUG, type Disk, type ScopeFlags, type VmInfo } from '../../shared';

export type DiskPlace = 'both' | 'live' | 'config';

export interface LiveDiskRow {
  disk: Disk;
  place: DiskPlace;
  /** What the row's Detach asks for: it removes the disk from wherever it is. */
  detach: NonNullable<ScopeFlags>;
  /** Said beside the disk when it is not simply attached. */
  note?: string;
  /** Set when removing it from the running guest needs the guest OS's help (its bus cannot unplug without it). */
  needsGuest?: string;
}

const NOTE: Record<DiskPlace, string | undefined> = {
  both: undefined,
  live: 'attached now; gone at the next start',
  config: 'from the next start',
};

export function liveDiskRows(vm: Pick<VmInfo, 'definition' | 'liveDisks'>): LiveDiskRow[] {
  const saved = vm.definition.disks;
  const live = vm.liveDisks ?? saved;
  const inLive = new Set(live.map((d) => d.path));
  const inSaved = new Set(saved.map((d) => d.path));
  const rows: LiveDiskRow[] = [];
  for (const disk of live) {
    const place: DiskPlace = inSaved.has(disk.path) ? 'both' : 'live';
    rows.push({ disk, place, detach: { live: true, config: place === 'both' }, ...note(place, disk) });
  }
  for (const disk of saved) {
    if (!inLive.has(disk.path)) rows.push({ disk, place: 'config', detach: { config: true }, ...note('config', disk) });
  }
  return rows;
}

function note(place: DiskPlace, disk: Disk): Pick<LiveDiskRow, 'note' | 'needsGuest'> {
  const hot = BUS_HOTPLUG[disk.bus];
  return {
    ...(NOTE[place] ? { note: NOTE[place] } : {}),
    ...(place !== 'config' && !hot.detachWithoutGuest ? { needsGuest: hot.note } : {}),
  };
}

/** The bus a disk attached to a running guest gets unless the user picks another: one that unplugs without the guest. */
export const LIVE_ATTACH_BUS = 'scsi' satisfies Disk['bus'];
