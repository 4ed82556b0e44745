// Constants both sides rely on. No Node, DOM or Electron import here.

/** The PTY slave major: guests need `c 136:* rw` for their serial consoles (libvirt's 2009 patch named it too). */
export const PTY_MAJOR = 136;

/**
 * Device nodes every guest may open unless the user says otherwise. A node missing on the host is skipped,
 * not an error (most hosts here have no /dev/kvm).
 */
export const DEFAULT_DEVICE_PATHS = ['/dev/null', '/dev/full', '/dev/zero', '/dev/random', '/dev/urandom', '/dev/ptmx', '/dev/kvm'] as const;
export type DefaultDevicePath = (typeof DEFAULT_DEVICE_PATHS)[number];

/** The TUN/TAP clone device (char 10:200): QEMU opens it to attach a bridged NIC's tap, so that guest's ACL allows it. */
export const TUN_DEVICE_PATH = '/dev/net/tun';
/** What the Devices tab says beside it. */
export const TUN_DEVICE_NOTE = 'for the bridged network cards: QEMU attaches their taps through it';

/** libvirt's `cpu_shares` range and default; the API speaks these on every backend. */
export const CPU_SHARES = { min: 2, max: 262144, default: 1024 } as const;
/** cgroup v2 `cpu.weight` range and default. */
export const CPU_WEIGHT = { min: 1, max: 10000, default: 100 } as const;
/** CFS bandwidth limits, as the kernel accepts them (µs). */
export const CPU_PERIOD_US = { min: 1000, max: 1000000, default: 100000 } as const;
export const CPU_QUOTA_US = { min: 1000, max: 17592186044415 } as const;

/** Guest names are directory names and QEMU `-name` values: bytes, not characters, count. */
export const GUEST_NAME_MAX_BYTES = 64;

/** The driver level of the hierarchy: it holds no process and namespaces guest names. */
export const DRIVER_NAME = 'qemu';
export const DEFAULT_PARTITION = '/cgvirt';

export const GUEST_LIMITS = {
  memoryMiB: { min: 16, max: 1048576 },
  vcpus: { min: 1, max: 255 },
  disks: { max: 16 },
  extraDevices: { max: 256 },
  pathMaxBytes: 4096,
} as const;

/** How often the engine samples stats and pushes one `stats:tick`. */
export const STATS_INTERVAL_MS = 1000;

export const MiB = 1024 * 1024;
