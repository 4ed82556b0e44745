import { z } from 'zod';

/** How QEMU runs guests: hardware virtualization, or TCG emulation. */
export const ACCELS = ['kvm', 'tcg'] as const;
export type Accel = (typeof ACCELS)[number];

export const CGROUP_MODES = ['v1', 'v2', 'hybrid', 'none'] as const;
export type CgroupMode = (typeof CGROUP_MODES)[number];

/** The controllers cgvirt uses; each may live in v1, v2, or nowhere. */
export const CONTROLLERS = ['cpu', 'cpuacct', 'cpuset', 'memory', 'devices'] as const;
export const controllerSchema = z.enum(CONTROLLERS);
export type Controller = z.infer<typeof controllerSchema>;

/**
 * What the user can do on this host, each with its name in the UI and what usually fixes it when host:info says it is
 * unavailable (after the engine's own reason). A new tunable's feature is one entry here.
 */
export const FEATURE_INFO = {
  guests: { label: 'Running guests', fix: 'install QEMU (Debian: apt install qemu-system-x86) and restart cgvirt.' },
  kvm: {
    label: 'Hardware acceleration (KVM)',
    fix: 'guests still run, emulated; for full speed enable virtualization (VT-x/AMD-V) in the firmware and load the kvm module.',
  },
  cpuPriority: { label: 'CPU priority', fix: 'run cgvirt as root, or on a host where the cpu controller is mounted and writable.' },
  cpuCap: { label: 'CPU cap', fix: 'the cpu controller needs CFS bandwidth control (CONFIG_CFS_BANDWIDTH) and write access.' },
  cpuPinning: { label: 'CPU pinning', fix: 'needs the cpuset controller with write access.' },
  memoryLimit: { label: 'Memory limit', fix: 'needs the memory controller with write access.' },
  deviceAcl: {
    label: 'Device access control',
    fix: 'needs the devices controller (cgroup v1) with write access, or on cgroup v2 a privileged engine (root, or CAP_BPF and CAP_SYS_ADMIN) on a kernel with CONFIG_CGROUP_BPF.',
  },
  stats: { label: 'Live statistics', fix: 'needs the cpuacct (v1) or cpu (v2) and memory controllers readable.' },
  bridgedNetwork: {
    label: 'Bridged networking',
    fix: 'NICs on user-mode NAT still work; for a NIC on a host bridge run the cgvirt engine as root (or with CAP_NET_ADMIN), with the tun module loaded and iproute2 installed.',
  },
} as const satisfies Record<string, { label: string; fix: string }>;
export type Feature = keyof typeof FEATURE_INFO;
export const FEATURES = Object.keys(FEATURE_INFO) as [Feature, ...Feature[]];
/** Features whose absence is advice, not a warning: guests run as before without them (emulated; on NAT). */
export const OPTIONAL_FEATURES: readonly Feature[] = ['kvm', 'bridgedNetwork'];

const availabilitySchema = z.object({ available: z.boolean(), reason: z.string().optional() });

export const hostInfoSchema = z.object({
  cgroup: z.object({
    mode: z.enum(CGROUP_MODES),
    /** root, or a delegated v2 subtree we may write */
    writable: z.boolean(),
    partition: z.string(),
    controllers: z.array(
      z.object({
        name: controllerSchema,
        version: z.union([z.literal(1), z.literal(2)]).nullable(),
        usable: z.boolean(),
        reason: z.string().optional(),
      }),
    ),
  }),
  privileged: z.boolean(),
  qemu: z.object({ path: z.string().nullable(), version: z.string().optional(), error: z.string().optional() }),
  /** Where the engine makes new disk images (and the only place it deletes them from). */
  imagesDir: z.string(),
  accel: z.enum(ACCELS),
  cpus: z.number().int(),
  /** The host's bridges (interfaces with /sys/class/net/<name>/bridge), sorted: what a bridged NIC can join. */
  bridges: z.array(z.string()),
  features: z.record(z.enum(FEATURES), availabilitySchema),
});
export type HostInfo = z.infer<typeof hostInfoSchema>;
