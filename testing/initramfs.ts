// A real Linux guest small enough to build per test run: Debian's kernel with a gzip'ed newc cpio initramfs made here,
// in Node, from static busybox and the kernel's own NIC drivers. Its /init brings up eth0 with DHCP (QEMU's user
// network answers), serves a marker page over HTTP on port 80 and leaves a shell on the serial console, so one guest
// shows the serial console, the network and a NIC model working end to end. Nothing outside Node builds it (no cpio,
// no mkinitramfs), so what is in the image is exactly what this file says.
import { execFileSync } from 'node:child_process';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { basename, join, posix } from 'node:path';
import { gunzipSync, gzipSync } from 'node:zlib';
import { requireKernel, requireStaticBusybox, type LinuxKernel } from './real-os';

/** Serial console on the first UART (what the tests read), reboot at once on a panic (QEMU's `-no-reboot` then exits). */
export const BUSYBOX_CMDLINE = 'console=ttyS0 panic=-1 quiet';
/** /init prints this line on the console once eth0 has its DHCP address and httpd listens. */
export const BUSYBOX_READY = 'cgvirt-busybox: ready';
/** /init prints this instead of the ready line when DHCP gets no lease (so a test fails naming the network). */
export const BUSYBOX_NO_LEASE = 'cgvirt-busybox: no DHCP lease';
/** The interactive shell's prompt on ttyS0. */
export const BUSYBOX_PROMPT = '~ # ';
/** The body of http://<guest>:80/ (index.html). */
export const BUSYBOX_HTTP_MARKER = 'cgvirt-busybox-ok';

// ---------------------------------------------------------------------------------------------------------------------
// newc cpio: what the kernel unpacks an initramfs from (Documentation/driver-api/early-userspace/buffer-format.rst).
// Per entry: a 110-byte ASCII header ("070701" and 13 fields of 8 hex digits), the NUL-terminated name, padding to a
// multiple of 4, the data, padding to a multiple of 4. The archive ends with an entry named TRAILER!!!.

export type CpioEntry =
  | { type: 'dir'; path: string; mode?: number }
  | { type: 'file'; path: string; data: Buffer | string; mode?: number }
  | { type: 'symlink'; path: string; target: string }
  | { type: 'char'; path: string; major: number; minor: number; mode?: number };

export const NEWC_MAGIC = '070701';
export const NEWC_HEADER_BYTES = 110;
export const NEWC_TRAILER = 'TRAILER!!!';
const S_IFDIR = 0o040000;
const S_IFREG = 0o100000;
const S_IFLNK = 0o120000;
const S_IFCHR = 0o020000;

const pad4 = (n: number) => Buffer.alloc((4 - (n % 4)) % 4);
const hex8 = (n: number) => {
  if (!Number.isInteger(n) || n < 0 || n > 0xffffffff) throw new RangeError(`cpio field out of range: ${n}`);
  return n.toString(16).padStart(8, '0');
};

function newcRecord(
  fields: { ino: number; mode: number; nlink: number; mtime: number; rdevmajor?: number; rdevminor?: number },
  name: string,
  data: Buffer,
): Buffer {
  const nameBytes = Buffer.from(`${name}\0`);
  const header =
    NEWC_MAGIC +
    [fields.ino, fields.mode, 0, 0, fields.nlink, fields.mtime, data.length, 0, 0, fields.rdevmajor ?? 0, fields.rdevminor ?? 0, nameBytes.length, 0]
      .map(hex8)
      .join('');
  const head = Buffer.concat([Buffer.from(header, 'ascii'), nameBytes]);
  return Buffer.concat([head, pad4(head.length), data, pad4(data.length)]);
}

/** Names in the archive are relative ("bin/busybox"), as the kernel's gen_init_cpio writes them. */
const archiveName = (path: string) => posix.normalize(path).replace(/^\/+/, '').replace(/\/+$/, '');

/**
 * An uncompressed newc archive of `entries`, in order, owned by root. A parent directory must come before what is in
 * it (the kernel creates entries in archive order), and a name only once: both are checked, not left to the kernel.
 */
export function newcArchive(entries: readonly CpioEntry[], mtime = 0): Buffer {
  const seen = new Map<string, CpioEntry['type']>();
  const records = entries.map((e, i) => {
    const name = archiveName(e.path);
    if (name === '' || name === '.' || name.startsWith('..')) throw new Error(`cpio: bad path ${e.path}`);
    if (seen.has(name)) throw new Error(`cpio: ${name} twice`);
    const parent = posix.dirname(name);
    if (parent !== '.' && seen.get(parent) !== 'dir') throw new Error(`cpio: ${name} comes before its directory ${parent}`);
    seen.set(name, e.type);
    const ino = i + 1;
    switch (e.type) {
      case 'dir':
        return newcRecord({ ino, mode: S_IFDIR | (e.mode ?? 0o755), nlink: 2, mtime }, name, Buffer.alloc(0));
      case 'file':
        return newcRecord({ ino, mode: S_IFREG | (e.mode ?? 0o644), nlink: 1, mtime }, name, Buffer.from(e.data));
      case 'symlink':
        return newcRecord({ ino, mode: S_IFLNK | 0o777, nlink: 1, mtime }, name, Buffer.from(e.target));
      case 'char':
        return newcRecord({ ino, mode: S_IFCHR | (e.mode ?? 0o600), nlink: 1, mtime, rdevmajor: e.major, rdevminor: e.minor }, name, Buffer.alloc(0));
    }
  });
  return Buffer.concat([...records, newcRecord({ ino: 0, mode: 0, nlink: 1, mtime: 0 }, NEWC_TRAILER, Buffer.alloc(0))]);
}

// ---------------------------------------------------------------------------------------------------------------------
// The NIC drivers. Debian builds them as modules; a kernel with one built in needs nothing loaded for it.

/** A kernel option and the module that provides it when the kernel builds it as one. */
export interface KernelDriver {
  option: string;
  module: string;
}

/** Kernel option → module, for the two NIC models the tests boot (virtio-net-pci needs the virtio PCI transport). */
export const NIC_DRIVERS: readonly KernelDriver[] = [
  { option: 'CONFIG_VIRTIO_PCI', module: 'virtio_pci' },
  { option: 'CONFIG_VIRTIO_NET', module: 'virtio_net' },
  { option: 'CONFIG_E1000', module: 'e1000' },
];

/**
 * The host's root over 9p (`-virtfs …,mount_tag=host`, a virtio-9p-pci device): the PCI transport, 9p's virtio
 * transport and the filesystem. modules.dep adds what they need (virtio, virtio_ring, netfs, fscache, 9pnet).
 */
export const NINEP_DRIVERS: readonly KernelDriver[] = [
  { option: 'CONFIG_VIRTIO_PCI', module: 'virtio_pci' },
  { option: 'CONFIG_NET_9P_VIRTIO', module: '9pnet_virtio' },
  { option: 'CONFIG_9P_FS', module: '9p' },
];

/** `virtio-rng.ko.xz` → `virtio_rng`: the kernel treats - and _ in module names alike. */
const moduleName = (path: string) =>
  basename(path)
    .replace(/\.ko(\.(xz|zst|gz))?$/, '')
    .replace(/-/g, '_');

/** modules.dep: `kernel/…/a.ko: kernel/…/b.ko kernel/…/c.ko` (every module a needs, not only the direct ones). */
function readModulesDep(modulesDir: string): Map<string, { path: string; deps: string[] }> {
  const out = new Map<string, { path: string; deps: string[] }>();
  for (const line of readFileSync(join(modulesDir, 'modules.dep'), 'utf8').split('\n')) {
    const colon = line.indexOf(':');
    if (colon < 0) continue;
    const path = line.slice(0, colon);
    out.set(moduleName(path), {
      path,
      deps: line
        .slice(colon + 1)
        .trim()
        .split(/\s+/)
        .filter(Boolean),
    });
  }
  return out;
}

/** Whether the kernel has `option` built in (y), as a module (m) or not at all; from its config, else modules.builtin. */
function builtState(kernel: LinuxKernel, driver: KernelDriver, deps: Map<string, unknown>): 'y' | 'm' | null {
  if (kernel.config !== null) {
    const m = new RegExp(`^${driver.option}=([ym])$`, 'm').exec(readFileSync(kernel.config, 'utf8'));
    return (m?.[1] as 'y' | 'm' | undefined) ?? null;
  }
  let builtin = '';
  try {
    builtin = readFileSync(join(kernel.modulesDir, 'modules.builtin'), 'utf8');
  } catch {
    // no list: only modules.dep can tell
  }
  if (builtin.split('\n').some((l) => moduleName(l) === driver.module)) return 'y';
  return deps.has(driver.module) ? 'm' : null;
}

/**
 * The module files (relative to kernel.modulesDir) to insmod for `drivers`, each after the modules it needs: a
 * depth-first walk of modules.dep, every module once. Throws when the kernel has a driver neither built in nor as a module.
 */
export function moduleOrder(kernel: LinuxKernel, drivers: readonly KernelDriver[]): string[] {
  const dep = readModulesDep(kernel.modulesDir);
  const order: string[] = [];
  const visit = (name: string, from: string) => {
    const entry = dep.get(name);
    if (!entry) throw new Error(`${kernel.modulesDir}/modules.dep has no ${name} (needed by ${from})`);
    if (order.includes(entry.path)) return;
    for (const d of entry.deps) visit(moduleName(d), name);
    order.push(entry.path);
  };
  for (const driver of drivers) {
    const state = builtState(kernel, driver, dep);
    if (state === null) throw new Error(`kernel ${kernel.version} has no ${driver.option} (neither built in nor a module)`);
    if (state === 'm') visit(driver.module, driver.option);
  }
  return order;
}

/** The modules for both NIC models (see moduleOrder). */
export const nicModuleOrder = (kernel: LinuxKernel): string[] => moduleOrder(kernel, NIC_DRIVERS);

/**
 * A module's ELF bytes. Debian 12 ships them uncompressed; newer kernels' packages compress them, and busybox's insmod
 * may lack the decompressor, so they are unpacked here: gzip in Node, xz and zstd (Node has neither) with the host's
 * xz-utils / zstd, called without a shell.
 */
function moduleBytes(file: string): Buffer {
  if (file.endsWith('.ko')) return readFileSync(file);
  if (file.endsWith('.ko.gz')) return gunzipSync(readFileSync(file));
  const tool = file.endsWith('.ko.xz') ? 'xz' : file.endsWith('.ko.zst') ? 'zstd' : null;
  if (tool === null) throw new Error(`unknown module format: ${file}`);
  try {
    return execFileSync(tool, ['-d', '-c', '-q', file], { maxBuffer: 256 * 1024 * 1024 });
  } catch (e) {
    throw new Error(`cannot decompress ${file} with ${tool} (Debian package ${tool === 'xz' ? 'xz-utils' : 'zstd'}): ${(e as Error).message}`, {
      cause: e,
    });
  }
}

// ---------------------------------------------------------------------------------------------------------------------
// The guest's userland: /init (pid 1), the DHCP hook, the web root.

const UDHCPC_SCRIPT = `#!/bin/sh
# udhcpc calls this with deconfig / bound / renew / leasefail / nak; the lease is in the environment:
# ip, mask (prefix length), subnet (dotted), router (space-separated list).
case "$1" in
deconfig)
  ip -4 addr flush dev "$interface"
  ip link set "$interface" up
  ;;
bound | renew)
  ip -4 addr flush dev "$interface"
  ip addr add "$ip/\${mask:-24}" dev "$interface"
  for r in $router; do
    ip route replace default via "$r" dev "$interface"
    break
  done
  ;;
esac
exit 0
`;

const initScript = (modules: string[]) => `#!/bin/sh
# pid 1 of the cgvirt busybox test guest (testing/initramfs.ts).
/bin/busybox --install -s
export PATH=/bin:/sbin:/usr/bin:/usr/sbin HOME=/ TERM=vt100
mount -t proc proc /proc
mount -t sysfs sysfs /sys
mount -t devtmpfs devtmpfs /dev
# Kernel messages would land in the middle of the shell's output on the same console.
dmesg -n 1
${modules.map((m) => `insmod /lib/modules/${m}`).join('\n')}
ip link set lo up
i=0
while [ ! -e /sys/class/net/eth0 ] && [ $i -lt 100 ]; do usleep 100000; i=$((i + 1)); done
ip link set eth0 up
if udhcpc -i eth0 -s /udhcpc.script -q -n; then
  httpd -p 80 -h /www
  echo "${BUSYBOX_READY}"
else
  echo "${BUSYBOX_NO_LEASE}"
fi
# A shell with the serial line as its controlling tty (cttyhack finds ttyS0 behind /dev/console; setsid gives it a
# session to own it), so job control and ^C work. pid 1 must not exit (panic), so a shell that exits is started again.
export PS1='${BUSYBOX_PROMPT}'
while :; do
  setsid cttyhack sh
  echo "cgvirt-busybox: shell exited, starting another"
done
`;

/** What differs between guests built from the same parts; every field defaults to the NIC guest's. */
export interface InitramfsOptions {
  /** The kernel drivers /init loads (default NIC_DRIVERS). */
  drivers?: readonly KernelDriver[];
  /** /init's text, given the module files in load order (under /lib/modules/; default: the NIC guest's /init). */
  init?: (modules: string[]) => string;
  /** More entries, after the standard ones (a new directory before what is in it). */
  entries?: readonly CpioEntry[];
  /** The image's file name (default busybox-initramfs.cpio.gz). */
  fileName?: string;
}

/** Everything in the image, in archive order (directories before their contents). */
export function busyboxInitramfsEntries(kernel: LinuxKernel, busybox: string, options: InitramfsOptions = {}): CpioEntry[] {
  const modules = moduleOrder(kernel, options.drivers ?? NIC_DRIVERS);
  const flat = modules.map((m) => `${moduleName(m)}.ko`);
  const dirs = ['bin', 'sbin', 'usr', 'usr/bin', 'usr/sbin', 'dev', 'proc', 'sys', 'tmp', 'etc', 'var', 'www', 'lib', 'lib/modules'];
  return [
    ...dirs.map((path): CpioEntry => ({ type: 'dir', path })),
    // The kernel opens /dev/console for init's stdio before /init can mount devtmpfs: without the node, init has none.
    { type: 'char', path: 'dev/console', major: 5, minor: 1, mode: 0o600 },
    { type: 'file', path: 'bin/busybox', data: readFileSync(busybox), mode: 0o755 },
    // For the #! line of /init; /init installs the other applets' links itself.
    { type: 'symlink', path: 'bin/sh', target: 'busybox' },
    ...modules.map((m, i): CpioEntry => ({ type: 'file', path: `lib/modules/${flat[i]!}`, data: moduleBytes(join(kernel.modulesDir, m)) })),
    { type: 'file', path: 'udhcpc.script', data: UDHCPC_SCRIPT, mode: 0o755 },
    { type: 'file', path: 'www/index.html', data: `${BUSYBOX_HTTP_MARKER}\n` },
    ...(options.entries ?? []),
    { type: 'file', path: 'init', data: (options.init ?? initScript)(flat), mode: 0o755 },
  ];
}

/**
 * Writes `<dir>/busybox-initramfs.cpio.gz` for `kernel` (default: this host's newest) and answers its path; boot it with
 * `-kernel kernel.vmlinuz -initrd <path> -append BUSYBOX_CMDLINE`. Building takes well under a second (busybox and three
 * modules), so each caller builds its own rather than sharing one across test files. `options` makes another guest of
 * the same parts (other drivers, another /init, more files: testing/v2-host.ts).
 */
export function buildBusyboxInitramfs(
  dir: string,
  kernel: LinuxKernel = requireKernel(),
  busybox: string = requireStaticBusybox(),
  options: InitramfsOptions = {},
): string {
  mkdirSync(dir, { recursive: true });
  const path = join(dir, options.fileName ?? 'busybox-initramfs.cpio.gz');
  writeFileSync(path, gzipSync(newcArchive(busyboxInitramfsEntries(kernel, busybox, options))));
  return path;
}
