// The host's device nodes a guest could be allowed to open: every char and block node under /dev (subdirectories
// too), with major:minor and a short description for the devices checklist. All filesystem access is async, so a
// large /dev does not stall the engine.
import type { Dirent } from 'node:fs';
import { lstat, readdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { DeviceType, HostDevice } from '../../../shared';
import { deviceTypeOf, splitDev } from './devnum';

export type HostDeviceNode = Omit<HostDevice, 'usedBy'>;

/** Top-level directories that are not device choices: other sessions' terminals and memory filesystems. */
const SKIPPED_DIRS = new Set(['pts', 'shm', 'mqueue', 'hugepages']);

/** Driver names by major, from /proc/devices (a major may list several names, e.g. 4: tty and ttyS). */
export type DriverTable = Record<DeviceType, Map<number, string[]>>;

export function parseProcDevices(text: string): DriverTable {
  const table: DriverTable = { c: new Map(), b: new Map() };
  let section: DeviceType | null = null;
  for (const line of text.split('\n')) {
    if (/^Character devices:/.test(line)) section = 'c';
    else if (/^Block devices:/.test(line)) section = 'b';
    else {
      const m = /^\s*(\d+)\s+(\S+)/.exec(line);
      if (m && section) {
        const major = Number(m[1]);
        table[section].set(major, [...(table[section].get(major) ?? []), m[2]!]);
      }
    }
  }
  return table;
}

/** One driver name to show, or null when the major's names do not tell (several, or only /dev paths). */
export function driverName(table: DriverTable, type: DeviceType, major: number): string | null {
  const names = (table[type].get(major) ?? []).filter((n) => !n.startsWith('/'));
  return names.length === 1 ? names[0]! : null;
}

/** What a node is, from its name under /dev; null when the name says nothing we know. */
export function wellKnown(rel: string, type: DeviceType): string | null {
  const fixed: Record<string, string> = {
    null: 'null device, discards writes',
    zero: 'zero bytes source',
    full: 'always-full device',
    random: 'random numbers',
    urandom: 'random numbers (non-blocking)',
    kvm: 'KVM hardware virtualization',
    tty: 'controlling terminal',
    console: 'system console',
    ptmx: 'pseudo-terminal multiplexer',
    'loop-control': 'loop device control',
    'net/tun': 'TUN/TAP network interfaces',
    'vhost-net': 'vhost network acceleration',
    'vhost-vsock': 'vhost vsock sockets',
    fuse: 'FUSE filesystems',
    hwrng: 'hardware random number generator',
    kmsg: 'kernel log',
    mem: 'physical memory',
    kmem: 'kernel memory',
    port: 'I/O ports',
    autofs: 'automounter control',
    'btrfs-control': 'btrfs control',
    cpu_dma_latency: 'CPU DMA latency control',
    watchdog: 'hardware watchdog',
    rtc: 'real-time clock',
    userfaultfd: 'user page-fault handling',
    vga_arbiter: 'VGA arbiter',
    vsock: 'host vsock sockets',
  };
  if (fixed[rel]) return fixed[rel];
  const rules: [RegExp, (m: RegExpExecArray) => string][] = [
    [/^loop(\d+)$/, (m) => `loop device ${m[1]}`],
    [/^vd([a-z]+)$/, (m) => `virtio disk ${m[1]}`],
    [/^vd([a-z]+)(\d+)$/, (m) => `virtio disk ${m[1]} partition ${m[2]}`],
    [/^[sh]d([a-z]+)$/, (m) => `SCSI/SATA disk ${m[1]}`],
    [/^[sh]d([a-z]+)(\d+)$/, (m) => `SCSI/SATA disk ${m[1]} partition ${m[2]}`],
    [/^nvme(\d+)n(\d+)$/, (m) => `NVMe disk ${m[1]} namespace ${m[2]}`],
    [/^nvme(\d+)n(\d+)p(\d+)$/, (m) => `NVMe disk ${m[1]} namespace ${m[2]} partition ${m[3]}`],
    [/^nvme(\d+)$/, (m) => `NVMe controller ${m[1]}`],
    [/^sr(\d+)$/, (m) => `optical drive ${m[1]}`],
    [/^zram(\d+)$/, (m) => `compressed RAM disk ${m[1]}`],
    [/^dm-(\d+)$/, (m) => `device-mapper volume ${m[1]}`],
    [/^md(\d+)$/, (m) => `software RAID ${m[1]}`],
    [/^ram(\d+)$/, (m) => `RAM disk ${m[1]}`],
    [/^tty(\d+)$/, (m) => `virtual console ${m[1]}`],
    [/^ttyS(\d+)$/, (m) => `serial port ${m[1]}`],
    [/^ttyUSB(\d+)$/, (m) => `USB serial port ${m[1]}`],
    [/^ttyACM(\d+)$/, (m) => `USB modem ${m[1]}`],
    [/^vcsa?u?(\d*)$/, () => 'virtual console memory'],
    [/^dri\/card(\d+)$/, (m) => `GPU ${m[1]}`],
    [/^dri\/renderD(\d+)$/, (m) => `GPU render node ${m[1]}`],
    [/^snd\//, () => 'sound'],
    [/^input\/event(\d+)$/, (m) => `input events ${m[1]}`],
    [/^input\/mice$/, () => 'all mice'],
    [/^input\//, () => 'input device'],
    [/^hidraw(\d+)$/, (m) => `raw HID device ${m[1]}`],
    [/^cpu\/(\d+)\/cpuid$/, (m) => `CPU ${m[1]} CPUID`],
    [/^cpu\/(\d+)\/msr$/, (m) => `CPU ${m[1]} model-specific registers`],
    [/^rtc(\d+)$/, (m) => `real-time clock ${m[1]}`],
    [/^watchdog(\d+)$/, (m) => `hardware watchdog ${m[1]}`],
    [/^vfio\//, () => 'VFIO device passthrough'],
    [/^bus\/usb\//, () => 'USB device'],
    [/^sg(\d+)$/, (m) => `SCSI generic ${m[1]}`],
    [/^bsg\//, () => 'SCSI block generic'],
  ];
  for (const [re, text] of rules) {
    const m = re.exec(rel);
    if (m) return text(m);
  }
  return type === 'b' ? 'block device' : null;
}

/** Bytes as a short size: 512 B, 64 MiB, 1.5 GiB. */
export function formatBytes(bytes: number): string {
  const units = ['B', 'KiB', 'MiB', 'GiB', 'TiB', 'PiB'];
  let v = bytes;
  let i = 0;
  while (v >= 1024 && i < units.length - 1) {
    v /= 1024;
    i++;
  }
  return i === 0 ? `${v} B` : `${v >= 10 || Number.isInteger(v) ? Math.round(v) : v.toFixed(1)} ${units[i]}`;
}

/** The block device's size in bytes from sysfs (in 512-byte sectors whatever the device's own block size), or null. */
async function blockSize(major: number, minor: number, sysRoot: string): Promise<number | null> {
  try {
    const sectors = Number((await readFile(join(sysRoot, 'dev/block', `${major}:${minor}`, 'size'), 'utf8')).trim());
    return Number.isFinite(sectors) ? sectors * 512 : null;
  } catch {
    return null;
  }
}

export function describeNode(rel: string, type: DeviceType, major: number, minor: number, driver: string | null, sizeBytes: number | null): string {
  const known = wellKnown(rel, type);
  const label = known ?? `${driver ?? 'unknown'} device ${major}:${minor}`;
  const size = type === 'b' && sizeBytes !== null ? (sizeBytes === 0 ? ', empty' : `, ${formatBytes(sizeBytes)}`) : '';
  const drv = driver && known ? ` (${driver})` : '';
  return `${label}${size}${drv}`;
}

interface FoundNode {
  path: string;
  rel: string;
  type: DeviceType;
  major: number;
  minor: number;
}

async function walk(dir: string, rel: string, out: FoundNode[]): Promise<void> {
  let entries: Dirent[];
  try {
    entries = await readdir(dir, { withFileTypes: true });
  } catch {
    return; // a directory we may not read, or one that vanished: its nodes are not choices
  }
  await Promise.all(
    entries.map(async (e) => {
      const path = join(dir, e.name);
      const r = rel ? `${rel}/${e.name}` : e.name;
      if (e.isSymbolicLink()) return;
      if (e.isDirectory()) {
        if (!(rel === '' && SKIPPED_DIRS.has(e.name))) await walk(path, r, out);
        return;
      }
      if (!e.isCharacterDevice() && !e.isBlockDevice()) return;
      try {
        const st = await lstat(path);
        const type = deviceTypeOf(st);
        if (type) out.push({ path, rel: r, type, ...splitDev(st.rdev) });
      } catch {
        // removed while we looked (a hot-unplugged device)
      }
    }),
  );
}

export interface EnumerateOptions {
  /** Injectable for tests; default /dev, /proc/devices, /sys. */
  devRoot?: string;
  procDevices?: string;
  sysRoot?: string;
}

/** Every char and block node under /dev, sorted by path. The caller fills in `usedBy`. */
export async function enumerateHostDevices({ devRoot = '/dev', procDevices = '/proc/devices', sysRoot = '/sys' }: EnumerateOptions = {}): Promise<
  HostDeviceNode[]
> {
  const nodes: FoundNode[] = [];
  const [drivers] = await Promise.all([readFile(procDevices, 'utf8').then(parseProcDevices, () => parseProcDevices('')), walk(devRoot, '', nodes)]);
  const described = await Promise.all(
    nodes.map(async (n) => ({
      path: n.path,
      type: n.type,
      major: n.major,
      minor: n.minor,
      description: describeNode(
        n.rel,
        n.type,
        n.major,
        n.minor,
        driverName(drivers, n.type, n.major),
        n.type === 'b' ? await blockSize(n.major, n.minor, sysRoot) : null,
      ),
    })),
  );
  return described.sort((a, b) => (a.path < b.path ? -1 : a.path > b.path ? 1 : 0));
}
