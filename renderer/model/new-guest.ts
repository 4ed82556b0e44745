// The New guest dialog's choices as data: how the guest installs (an ISO in a CD-ROM drive booted first, an existing
// disk image, or a kernel booted directly), its network, display and accelerator, and the defaults for a real OS.
import type { AccelChoice, DefinitionInput, NicMode } from '../../shared';
import type { ApiPath } from './user-words';

export type InstallChoice = 'iso' | 'import' | 'kernel';

export const INSTALL_CHOICES: readonly (readonly [InstallChoice, string])[] = [
  ['iso', 'Install from an ISO image'],
  ['import', 'Import an existing disk image'],
  ['kernel', 'Boot a kernel directly (advanced)'],
];

/** What a real OS needs to install: 1 GiB, two vCPUs where the host has them, an 8 GiB (sparse) qcow2 disk. */
export const NEW_GUEST_DEFAULTS = { memoryMiB: 1024, imageSizeMiB: 8 * 1024 } as const;

export const defaultVcpus = (hostCpus: number | undefined) => (hostCpus !== undefined && hostCpus >= 2 ? 2 : 1);

export interface HardwareChoices {
  install: InstallChoice;
  /** The ISO for the CD-ROM drive; empty: the drive starts empty. */
  iso: string;
  kernel: string;
  initrd: string;
  cmdline: string;
  /** One virtio NIC, nothing forwarded: on user-mode NAT, or on host bridge `bridge`. */
  network: boolean;
  networkMode: NicMode;
  bridge: string;
  /** A VGA screen (QEMU's VNC server), shown in the Console tab. */
  display: boolean;
  accel: AccelChoice;
}

export type Hardware = Required<Pick<DefinitionInput, 'cdroms' | 'boot' | 'nics' | 'vnc' | 'accel'>>;

/** The definition's drives, boot, NICs, display and accelerator for the dialog's choices. */
export function hardwareOf(c: HardwareChoices): Hardware {
  const kernel =
    c.install === 'kernel' ? { kernel: { kernel: c.kernel, ...(c.initrd.trim() === '' ? {} : { initrd: c.initrd }), cmdline: c.cmdline } } : {};
  return {
    cdroms: c.install === 'iso' ? [c.iso.trim() === '' ? {} : { path: c.iso }] : [],
    // An installer boots from its CD first; once it has installed, the empty drive is skipped and the disk boots.
    boot: { order: c.install === 'iso' ? ['cdrom', 'disk'] : ['disk', 'cdrom'], ...kernel },
    nics: c.network ? [{ model: 'virtio-net-pci', forwards: [], ...(c.networkMode === 'bridge' ? { bridge: c.bridge } : {}) }] : [],
    vnc: c.display,
    accel: c.accel,
  };
}

/** The dialog's field for a path into the definition (a schema issue's, or the one an engine refusal starts with). */
export function dialogField(path: readonly PropertyKey[]): string {
  const [first, a, b] = path.map((p) => String(p));
  if (first === 'disks') return 'path';
  if (first === 'nics' && b === 'bridge') return 'bridge';
  if (first === 'cdroms') return 'iso';
  if (first === 'boot') return a === 'kernel' ? (b ?? 'kernel') : 'form';
  return first ?? 'form';
}

/** The dialog's labels for the definition paths an engine refusal can start with. */
export function dialogPathLabel(path: ApiPath): string | undefined {
  const [first, a, b] = path;
  if (first === 'disks' && b === 'path') return 'Image path';
  if (first === 'cdroms') return 'ISO image';
  if (first === 'nics' && b === 'bridge') return 'Host bridge';
  if (first === 'boot' && a === 'kernel') return b === 'initrd' ? 'Initrd' : b === 'cmdline' ? 'Kernel command line' : 'Kernel';
  return undefined;
}
