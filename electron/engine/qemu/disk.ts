// How one guest disk is described to QEMU: node names and device ids derived from its path, the `blockdev-add` and
// `device_add` arguments (the same JSON goes on the command line); what each bus allows is shared (BUS_HOTPLUG). User paths only ever
// travel as JSON string values, never inside a comma-separated option.
import { createHash } from 'node:crypto';
import { stat } from 'node:fs/promises';
import { BUS_HOTPLUG, quoteName, type Disk } from '../../../shared';

export type DiskBus = Disk['bus'];
/** QEMU's protocol driver for the disk's path: a regular file, or a host block device (`host_device`). */
export type DiskProtocol = 'file' | 'host_device';

/** The virtio-scsi controller every guest gets, so SCSI disks can be attached while it runs. */
export const SCSI_CONTROLLER_ID = 'scsi0';
/** The i440fx machine has two IDE buses with two units each. */
export const IDE_SLOTS = 4;

export { BUS_HOTPLUG };

export interface DiskIds {
  /** The format node (raw/qcow2) that devices attach to; `blockdev-del` of it also removes the protocol node. */
  formatNode: string;
  /** The protocol node (file/host_device) underneath. */
  protocolNode: string;
  /** The guest device's qdev id (`device_add`/`device_del`, DEVICE_DELETED's `device`). */
  deviceId: string;
}

/**
 * Stable ids for a disk path, so attach and detach find the same nodes without stored state. QEMU node names must start
 * with a letter, use [A-Za-z0-9_.-] and stay under 32 bytes: a short hash of the path satisfies all three.
 */
export function diskIds(path: string): DiskIds {
  const h = createHash('sha256').update(path).digest('hex').slice(0, 16);
  return { formatNode: `fmt-${h}`, protocolNode: `pro-${h}`, deviceId: `disk-${h}` };
}

/** Why QEMU cannot run this disk as configured, or null. Checked before launch so the user gets our words, not a crash. */
export function diskProblem(disk: Disk): string | null {
  if (disk.bus === 'ide' && disk.readonly) {
    return `disk '${quoteName(disk.path)}' is read-only on the ide bus, which QEMU's ide-hd cannot do; use bus virtio or scsi`;
  }
  return null;
}

/** Problems of a whole disk list (per-disk ones plus the bus capacity). */
export function disksProblem(disks: readonly Disk[]): string | null {
  for (const d of disks) {
    const p = diskProblem(d);
    if (p) return p;
  }
  const ide = disks.filter((d) => d.bus === 'ide').length;
  if (ide > IDE_SLOTS) return `${ide} disks are on the ide bus, which has ${IDE_SLOTS} slots; put the others on virtio or scsi`;
  return null;
}

/** The QMP `blockdev-add` arguments (also the `-blockdev` JSON): a format node with its protocol node inline. */
export function blockdevArgs(disk: Disk, protocol: DiskProtocol): Record<string, unknown> {
  const ids = diskIds(disk.path);
  return {
    driver: disk.format,
    'node-name': ids.formatNode,
    'read-only': disk.readonly,
    file: { driver: protocol, 'node-name': ids.protocolNode, filename: disk.path, 'read-only': disk.readonly },
  };
}

/** Where a disk sits on its bus: IDE needs an explicit bus and unit (QEMU does not pick a free IDE bus by itself). */
export interface DiskPlacement {
  /** Index of this disk among the guest's IDE disks (0..3); required for bus ide. */
  ideIndex?: number;
  bootindex?: number;
}

/** The QMP `device_add` arguments (also the `-device` JSON) for the guest device that shows the disk. */
export function deviceArgs(disk: Disk, placement: DiskPlacement = {}): Record<string, unknown> {
  const ids = diskIds(disk.path);
  const boot = placement.bootindex === undefined ? {} : { bootindex: placement.bootindex };
  switch (disk.bus) {
    case 'virtio':
      return { driver: 'virtio-blk-pci', drive: ids.formatNode, id: ids.deviceId, ...boot };
    case 'scsi':
      return { driver: 'scsi-hd', bus: `${SCSI_CONTROLLER_ID}.0`, drive: ids.formatNode, id: ids.deviceId, ...boot };
    case 'ide': {
      const i = placement.ideIndex;
      if (i === undefined || !Number.isInteger(i) || i < 0 || i >= IDE_SLOTS) {
        throw new Error(`ide disk needs an ideIndex in [0, ${IDE_SLOTS - 1}], got ${String(i)}`);
      }
      return { driver: 'ide-hd', bus: `ide.${i >> 1}`, unit: i & 1, drive: ids.formatNode, id: ids.deviceId, ...boot };
    }
  }
}

/**
 * `host_device` for block devices, `file` for everything else. A path that cannot be stat'ed is treated as a file:
 * QEMU then reports the real reason (missing, unreadable) in its own words.
 */
export async function diskProtocol(path: string): Promise<DiskProtocol> {
  try {
    return (await stat(path)).isBlockDevice() ? 'host_device' : 'file';
  } catch {
    return 'file';
  }
}

/** The set of a guest's disk paths that are block devices (what `buildArgv` takes as `blockDevices`). */
export async function blockDevicePaths(disks: readonly Disk[]): Promise<Set<string>> {
  const kinds = await Promise.all(disks.map(async (d) => [d.path, await diskProtocol(d.path)] as const));
  return new Set(kinds.filter(([, k]) => k === 'host_device').map(([p]) => p));
}
