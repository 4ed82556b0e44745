// What a guest has besides CPU, memory and disks: CD-ROM drives (install media), how it boots, its network cards and
// its accelerator. Rules that need the host (does the ISO exist, is the port free, can this engine make a tap) are the
// engine's; everything checkable from the definition alone is here, for the engine and the window alike.
import { z } from 'zod';
import { hostPathSchema, intIn } from './values';

/** auto: KVM when /dev/kvm opens, else TCG. TCG is the choice for hosts whose KVM hangs a Linux kernel. */
export const ACCEL_CHOICES = ['auto', 'kvm', 'tcg'] as const;
export type AccelChoice = (typeof ACCEL_CHOICES)[number];

export const CDROM_LIMIT = 2;

/** A CD-ROM drive: an ISO opened read-only, or empty (media inserted later, live). */
export const cdromSchema = z.strictObject({ path: hostPathSchema.optional() });
export type Cdrom = z.output<typeof cdromSchema>;

export const BOOT_DEVICES = ['disk', 'cdrom'] as const;
export type BootDevice = (typeof BOOT_DEVICES)[number];

/** QEMU passes the command line to the kernel as one string; a NUL or newline would end it early. */
const cmdlineSchema = z
  .string()
  .max(4096, { error: 'kernel command line must be at most 4096 characters' })
  .refine((c) => !/[\0\n\r]/.test(c), { error: 'kernel command line must be one line without NUL' });

/** Direct kernel boot (virt-manager's "Direct kernel boot"): the firmware loads this kernel instead of a boot device. */
export const kernelBootSchema = z.strictObject({
  kernel: hostPathSchema,
  initrd: hostPathSchema.optional(),
  cmdline: cmdlineSchema.default(''),
});
export type KernelBoot = z.output<typeof kernelBootSchema>;

export const bootSchema = z.strictObject({
  /** Which kind of device the firmware tries first; the other follows. */
  order: z
    .array(z.enum(BOOT_DEVICES))
    .min(1, { error: 'boot order must name at least one of disk, cdrom' })
    .refine((o) => new Set(o).size === o.length, { error: 'boot order must not name a device twice' })
    .default(['disk', 'cdrom']),
  kernel: kernelBootSchema.optional(),
});
export type Boot = z.output<typeof bootSchema>;

export const NIC_MODELS = ['virtio-net-pci', 'e1000'] as const;
export const NIC_LIMIT = 4;
export const FORWARD_LIMIT = 16;

/** A unicast MAC: six hex pairs; the first octet's lowest bit (multicast) clear; not all zero. */
export const macSchema = z
  .string()
  .regex(/^[0-9a-f]{2}(:[0-9a-f]{2}){5}$/i, { error: (i) => `MAC '${String(i.input)}' must be six hex pairs like 52:54:00:12:34:56` })
  .refine((m) => (parseInt(m.slice(0, 2), 16) & 1) === 0, { error: (i) => `MAC '${String(i.input)}' is a multicast address; a NIC needs a unicast one` })
  .refine((m) => !/^(00:){5}00$/.test(m), { error: 'MAC 00:00:00:00:00:00 is not a usable address' })
  .transform((m) => m.toLowerCase());

export const portSchema = (what: string) => intIn(what, 1, 65535);

/** A port on the host's loopback (127.0.0.1, so only this machine reaches it) forwarded to a port of the guest. */
export const portForwardSchema = z.strictObject({
  protocol: z.enum(['tcp', 'udp']).default('tcp'),
  hostPort: portSchema('host port'),
  guestPort: portSchema('guest port'),
});
export type PortForward = z.output<typeof portForwardSchema>;

/**
 * A Linux interface name as the kernel takes it (`dev_valid_name`: under IFNAMSIZ, not `.` or `..`), narrowed to the
 * characters a bridge is named with in practice. It names a host bridge a bridged NIC joins.
 */
export const IFNAME_MAX = 15;
export const ifnameSchema = z.string().refine((n) => /^[A-Za-z0-9_.-]{1,15}$/.test(n) && n !== '.' && n !== '..', {
  error: (i) =>
    `bridge name '${String(i.input).slice(0, 40)}' must be 1 to ${IFNAME_MAX} letters, digits, '.', '-' or '_' (a Linux interface name), not '.' or '..'`,
});

/** How a NIC reaches the network: QEMU's user-mode NAT (any engine), or a tap on an existing host bridge (a privileged engine). */
export const NIC_MODES = ['nat', 'bridge'] as const;
export type NicMode = (typeof NIC_MODES)[number];

/**
 * A network card. Without `bridge`, user-mode NAT (QEMU's slirp): works unprivileged; the guest reaches out, the host
 * reaches in by the forwards. With `bridge`, the card is on that host bridge through a tap the engine makes at start
 * (the guest is on the bridge's network like any machine on it; forwards make no sense there).
 *
 * One flat shape with an optional `bridge`, not a union keyed by a `mode`: a stored file from before bridges parses
 * unchanged as NAT (no discriminator to default), every problem keeps its own path (`nics.0.bridge`,
 * `nics.0.forwards`) for the forms, and "forwards on a bridged NIC" is one sentence from `checkHardware` instead of a
 * strict object's "unrecognized key".
 */
export const nicSchema = z.strictObject({
  model: z.enum(NIC_MODELS).default('virtio-net-pci'),
  /** Assigned by the engine on define when absent, then kept: the guest's OS keys its network config on it. */
  mac: macSchema.optional(),
  /** The host bridge the NIC joins; absent: user-mode NAT. The engine checks it is a bridge on its host. */
  bridge: ifnameSchema.optional(),
  forwards: z.array(portForwardSchema).max(FORWARD_LIMIT).default([]),
});
export type Nic = z.output<typeof nicSchema>;
export type NicInput = z.input<typeof nicSchema>;

export const nicModeOf = (nic: { bridge?: string | undefined }): NicMode => (nic.bridge === undefined ? 'nat' : 'bridge');

export const hardwareFields = {
  cdroms: z.array(cdromSchema).max(CDROM_LIMIT).default([]),
  boot: bootSchema.default({ order: ['disk', 'cdrom'] }),
  nics: z.array(nicSchema).max(NIC_LIMIT).default([]),
  accel: z.enum(ACCEL_CHOICES).default('auto'),
};

/**
 * Rules across NICs: one host port is forwarded once (per protocol), no two NICs share a MAC, and a bridged NIC has no
 * forwards (they are slirp's: a bridged guest is reached at its own address).
 */
export function checkHardware(
  d: { nics: { mac?: string | undefined; bridge?: string | undefined; forwards: { protocol: string; hostPort: number }[] }[] },
  ctx: z.RefinementCtx,
) {
  const ports = new Set<string>();
  const macs = new Set<string>();
  d.nics.forEach((nic, n) => {
    if (nic.bridge !== undefined && nic.forwards.length > 0) {
      ctx.addIssue({
        code: 'custom',
        path: ['nics', n, 'forwards'],
        message: `port forwards are for user-mode NAT only: NIC ${n + 1} is on bridge '${nic.bridge}', where the guest is reached at its own address`,
      });
    }
    nic.forwards.forEach((f, i) => {
      const key = `${f.protocol}:${f.hostPort}`;
      if (ports.has(key)) {
        ctx.addIssue({
          code: 'custom',
          path: ['nics', n, 'forwards', i, 'hostPort'],
          message: `host port ${f.hostPort}/${f.protocol} is forwarded twice`,
        });
      }
      ports.add(key);
    });
    if (nic.mac) {
      if (macs.has(nic.mac.toLowerCase())) ctx.addIssue({ code: 'custom', path: ['nics', n, 'mac'], message: `MAC ${nic.mac} is used by two NICs` });
      macs.add(nic.mac.toLowerCase());
    }
  });
}
