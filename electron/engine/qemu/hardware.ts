// The QEMU arguments for what a guest has besides its disks: CD-ROM drives (IDE, after the IDE disks), the boot order,
// direct kernel boot, the serial port on the guest's unix socket, and NICs: user-mode with loopback-only port forwards,
// or on a host bridge through the tap the engine made. Paths travel as JSON values or as whole arguments (-kernel,
// -initrd); the NIC option string holds only numbers and names we make (never user text: not even the bridge's name,
// which only `ip` is given).
import { createHash } from 'node:crypto';
import type { Cdrom, Definition, Nic } from '../../../shared';
import { tapName } from '../host/network';
import { IDE_SLOTS } from './disk';

/** The qdev id of CD-ROM drive i: what `blockdev-change-medium` and `eject` name. */
export const cdromId = (i: number) => `cdrom${i}`;
/** The node name of the medium drive i had at start; QEMU keeps (and holds open) it after an eject until blockdev-del. */
export const cdromNode = (i: number) => `cd${i}`;

/** The chardev of the guest's first serial port (a unix socket the engine holds; see consoles/serial.ts). */
export const SERIAL_CHARDEV_ID = 'cgvirt-serial';

/** The firmware's boot indexes for the first disk and the first CD-ROM, from the definition's order. */
export function bootIndexes(def: Pick<Definition, 'boot' | 'disks' | 'cdroms'>): { disk?: number; cdrom?: number } {
  if (def.boot.kernel) return {}; // the kernel is loaded directly; no device is booted
  const out: { disk?: number; cdrom?: number } = {};
  let next = 1;
  for (const kind of def.boot.order) {
    if (kind === 'disk' && def.disks.length > 0) out.disk = next++;
    if (kind === 'cdrom' && def.cdroms.length > 0) out.cdrom = next++;
  }
  return out;
}

/** Why the drives do not fit the machine's buses, or null: CD-ROMs share the four IDE slots with IDE disks. */
export function ideProblem(def: Pick<Definition, 'disks' | 'cdroms'>): string | null {
  const disks = def.disks.filter((d) => d.bus === 'ide').length;
  if (disks + def.cdroms.length > IDE_SLOTS) {
    return `${disks} IDE disks and ${def.cdroms.length} CD-ROM drives need ${disks + def.cdroms.length} IDE slots; the machine has ${IDE_SLOTS} (put disks on virtio or scsi)`;
  }
  return null;
}

/** `-blockdev` (when a medium is inserted) and `-device` for CD-ROM drive i in IDE slot `ideIndex`. */
export function cdromArgs(cd: Cdrom, i: number, ideIndex: number, bootindex?: number): string[] {
  const device = {
    driver: 'ide-cd',
    id: cdromId(i),
    bus: `ide.${ideIndex >> 1}`,
    unit: ideIndex & 1,
    ...(cd.path ? { drive: cdromNode(i) } : {}),
    ...(bootindex === undefined ? {} : { bootindex }),
  };
  const out: string[] = [];
  if (cd.path) {
    const file = { driver: 'file', 'node-name': `${cdromNode(i)}-file`, filename: cd.path, 'read-only': true };
    out.push('-blockdev', JSON.stringify({ driver: 'raw', 'node-name': cdromNode(i), 'read-only': true, file }));
  }
  out.push('-device', JSON.stringify(device));
  return out;
}

export function kernelArgs(def: Pick<Definition, 'boot'>): string[] {
  const k = def.boot.kernel;
  if (!k) return [];
  return ['-kernel', k.kernel, ...(k.initrd ? ['-initrd', k.initrd] : []), ...(k.cmdline ? ['-append', k.cmdline] : [])];
}

/** A stable, locally administered unicast MAC for NIC `index` of the guest `uuid`, when the definition names none. */
export function defaultMac(uuid: string, index: number): string {
  const h = createHash('sha256').update(`${uuid}/${index}`).digest();
  // 52:54:00 is QEMU's own prefix (locally administered, unicast): what every QEMU guest without a MAC gets.
  return ['52', '54', '00', ...[h[0]!, h[1]!, h[2]!].map((b) => b.toString(16).padStart(2, '0'))].join(':');
}

/**
 * `-netdev` and `-device` for NIC i, no option ROM (no PXE, no ROM file needed): slirp with loopback-only forwards, or
 * the tap `tapName(uuid, i)` the engine made and joined to the bridge. QEMU only attaches to that tap (script=no, so
 * its seccomp `spawn=deny` holds: it runs no helper), and never touches the bridge.
 */
export function nicArgs(nic: Nic, i: number, uuid: string): string[] {
  const device = { driver: nic.model, netdev: `net${i}`, mac: nic.mac ?? defaultMac(uuid, i), id: `nic${i}`, romfile: '' };
  if (nic.bridge !== undefined) {
    return ['-netdev', `tap,id=net${i},ifname=${tapName(uuid, i)},script=no,downscript=no`, '-device', JSON.stringify(device)];
  }
  const forwards = nic.forwards.map((f) => `,hostfwd=${f.protocol}:127.0.0.1:${f.hostPort}-:${f.guestPort}`).join('');
  return ['-netdev', `user,id=net${i}${forwards}`, '-device', JSON.stringify(device)];
}

/** Every argument for the drives, boot, NICs; the serial chardev is built with the runtime paths (argv.ts). */
export function hardwareArgs(def: Definition): string[] {
  const boot = bootIndexes(def);
  const ideDisks = def.disks.filter((d) => d.bus === 'ide').length;
  return [
    ...def.cdroms.flatMap((cd, i) => cdromArgs(cd, i, ideDisks + i, i === 0 ? boot.cdrom : undefined)),
    ...kernelArgs(def),
    ...def.nics.flatMap((nic, i) => nicArgs(nic, i, def.uuid)),
  ];
}
