// A pure cgroup v2 host to run code in, for what this machine (cgroup v1) cannot show: Debian's kernel under TCG with
// a busybox initramfs (./initramfs.ts) whose /init mounts cgroup2 with every controller enabled at the root, shares
// this host's root into the guest read-only over 9p, and runs this host's own Node on a script in a chroot of it. The
// script's stdout lines come back framed on the serial port, one JSON value each; then the guest powers off.
//
// Why a chroot and not the host's ld.so with LD_LIBRARY_PATH: in the chroot /usr/bin/node finds its libraries where
// it was linked to, process.execPath and /bin/sh are the host's, and the script can spawn children (busy loops, a
// memory hog, itself as another user) as it would on a host. /proc, /sys (with the cgroup2 mount), /dev and a tmpfs
// /tmp are mounted into it; mount points on the read-only 9p root are fine.
import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { connect, type Socket } from 'node:net';
import { tmpdir } from 'node:os';
import { basename, join } from 'node:path';
import { build } from 'esbuild';
import { buildBusyboxInitramfs, NINEP_DRIVERS, type CpioEntry } from './initramfs';
import { requireKernel, requireStaticBusybox } from './real-os';

/** A result line of the script, on the serial port: this prefix, then the JSON the script printed. */
export const V2_RESULT = '@@v2 ';
/** /init's own lines: the root's cgroup.controllers, and the script's exit status. */
export const V2_CONTROLLERS = '@@v2:controllers ';
export const V2_EXIT = '@@v2:exit ';
/** /init's line when something before the script failed (the line says what). */
export const V2_FAILED = '@@v2:failed ';

/** The unprivileged user of the guest (in its /etc/passwd and /etc/group), for delegation checks. */
export const V2_USER = { name: 'cgvuser', uid: 1000, gid: 1000 } as const;
/** Where the script is inside the guest (and its chroot): the tmpfs /tmp. */
export const V2_SCRIPT_DIR = '/tmp/cgvirt-v2';

export interface V2HostOptions {
  memoryMiB?: number;
  cpus?: number;
  /** Everything included: boot, the script, power-off. */
  timeoutMs?: number;
  /** Environment for the script (the chroot's PATH and HOME are set already). */
  env?: Record<string, string>;
  /**
   * A node_modules directory whose native packages (NATIVE_PACKAGES, what the bundle leaves out) are copied beside the
   * script; default this checkout's.
   */
  nodeModules?: string | null;
}

export interface V2HostRun {
  /** The guest root's cgroup.controllers, all of which /init enabled in its cgroup.subtree_control. */
  controllers: string[];
  /** One value per line the script printed on stdout. */
  results: unknown[];
  /** The script's exit status, or null when the guest ended before it did. */
  exitCode: number | null;
  /** Everything on the serial port (the script's stderr included), and QEMU's stderr. */
  log: string;
  /** Seconds from QEMU's start to its exit. */
  seconds: number;
}

/** Packages bundleForV2Host leaves out (koffi: an FFI with prebuilt binaries, what the BPF device filter calls). */
export const NATIVE_PACKAGES = ['koffi'];
/** What is copied into the guest for them: the packages and koffi's prebuilt binary package. */
const NATIVE_COPIES = [...NATIVE_PACKAGES, '@koromix'];

/**
 * Bundles a TypeScript entry (and what it imports: the engine's modules, zod) into one ESM file in `outDir`, what
 * runInV2Host copies into the guest. Answers the file's path.
 */
export async function bundleForV2Host(entry: string, outDir: string): Promise<string> {
  const outfile = join(outDir, basename(entry).replace(/\.[cm]?ts$/, '.mjs'));
  await build({
    entryPoints: [entry],
    outfile,
    bundle: true,
    platform: 'node',
    target: 'node20',
    format: 'esm',
    logLevel: 'warning',
    // Packages with native parts cannot be bundled: the script loads them from the checkout's node_modules (see
    // V2HostOptions.nodeModules).
    external: NATIVE_PACKAGES,
  });
  return outfile;
}

/** Single quotes for the shell: the script's arguments are baked into /init. */
const shQuote = (s: string) => `'${s.replace(/'/g, `'\\''`)}'`;

const initScript = (script: string, args: readonly string[], env: Record<string, string>, nodeModules: string | null) => (modules: string[]) => `#!/bin/sh
# pid 1 of the cgvirt cgroup v2 test host (testing/v2-host.ts).
/bin/busybox --install -s
export PATH=/bin:/sbin
fail() { echo "${V2_FAILED}$*"; poweroff -f; sleep 5; echo o > /proc/sysrq-trigger; }
mount -t proc proc /proc
mount -t sysfs sysfs /sys
mount -t devtmpfs devtmpfs /dev
dmesg -n 1
${modules.map((m) => `insmod /lib/modules/${m} || fail "insmod ${m}"`).join('\n')}
mkdir -p /host
mount -t 9p -o trans=virtio,version=9p2000.L,msize=262144,ro host /host || fail "mount 9p"
mount -t cgroup2 -o nsdelegate cgroup2 /sys/fs/cgroup || fail "mount cgroup2"
for c in $(cat /sys/fs/cgroup/cgroup.controllers); do echo "+$c" > /sys/fs/cgroup/cgroup.subtree_control || fail "enable $c"; done
echo "${V2_CONTROLLERS}$(cat /sys/fs/cgroup/cgroup.controllers)"
# The packages the bundle leaves out are copied, not linked: a checkout under /tmp disappears under the tmpfs.
mkdir -p /v2-modules
${nodeModules === null ? '' : NATIVE_COPIES.map((d) => `[ -e /host${shQuote(`${nodeModules}/${d}`)} ] && cp -a /host${shQuote(`${nodeModules}/${d}`)} /v2-modules/`).join('\n')}
mount -t tmpfs -o mode=1777 tmpfs /host/tmp || fail "tmpfs /tmp"
mkdir -p /host${V2_SCRIPT_DIR}/node_modules
cp /v2/* /host${V2_SCRIPT_DIR}/
cp -a /v2-modules/. /host${V2_SCRIPT_DIR}/node_modules/
chmod -R a+rX /host${V2_SCRIPT_DIR}
mount -o rbind /proc /host/proc || fail "bind /proc"
mount -o rbind /sys /host/sys || fail "bind /sys"
mount -o rbind /dev /host/dev || fail "bind /dev"
# The guest's own users over the host's, so uid ${V2_USER.uid} has a name inside the chroot.
mount -o bind /etc/passwd /host/etc/passwd || fail "bind /etc/passwd"
mount -o bind /etc/group /host/etc/group || fail "bind /etc/group"
{
  chroot /host /usr/bin/env -i PATH=/usr/local/bin:/usr/bin:/bin:/usr/sbin:/sbin HOME=/tmp \\
    ${Object.entries(env)
      .map(([k, v]) => shQuote(`${k}=${v}`))
      .join(' ')} /usr/bin/node ${shQuote(`${V2_SCRIPT_DIR}/${basename(script)}`)} ${args.map(shQuote).join(' ')}
  echo $? > /v2-status
} | sed 's/^/${V2_RESULT}/'
echo "${V2_EXIT}$(cat /v2-status)"
sync
poweroff -f
sleep 5
echo o > /proc/sysrq-trigger
`;

const GUEST_FILES = (): CpioEntry[] => [
  { type: 'file', path: 'etc/passwd', data: `root:x:0:0:root:/root:/bin/sh\n${V2_USER.name}:x:${V2_USER.uid}:${V2_USER.gid}::/tmp:/bin/sh\n` },
  { type: 'file', path: 'etc/group', data: `root:x:0:\n${V2_USER.name}:x:${V2_USER.gid}:\n` },
];

/**
 * Boots the v2 host, runs `/usr/bin/node <script> ...args` in it (the script: one self-contained file, e.g. an esbuild
 * bundle, copied into the guest's /tmp), and answers what it printed. Ends QEMU (by its pid) and removes its temp
 * directory whatever happens; rejects when the guest does not power off within the timeout, with the serial log.
 */
export async function runInV2Host(script: string, args: readonly string[] = [], opts: V2HostOptions = {}): Promise<V2HostRun> {
  const { memoryMiB = 1024, cpus = 2, timeoutMs = 240_000, env = {}, nodeModules = join(import.meta.dirname, '..', 'node_modules') } = opts;
  const dir = mkdtempSync(join(tmpdir(), 'cgvirt-v2-host-'));
  const kernel = requireKernel();
  let log = '';
  let qemuErr = '';
  let serial: Socket | undefined;
  const started = Date.now();
  const qemu = (() => {
    const initrd = buildBusyboxInitramfs(dir, kernel, requireStaticBusybox(), {
      drivers: NINEP_DRIVERS,
      init: initScript(script, args, env, nodeModules),
      entries: [...GUEST_FILES(), { type: 'dir', path: 'v2' }, { type: 'file', path: `v2/${basename(script)}`, data: readFileSync(script) }],
      fileName: 'v2-host.cpio.gz',
    });
    const sock = join(dir, 'serial.sock');
    const proc = spawn(
      'qemu-system-x86_64',
      [
        ...['-accel', 'tcg', '-m', String(memoryMiB), '-smp', String(cpus), '-nodefaults', '-no-user-config', '-display', 'none', '-no-reboot'],
        ...['-kernel', kernel.vmlinuz, '-initrd', initrd, '-append', 'console=ttyS0 panic=-1 quiet'],
        // wait=on: the guest starts only once the serial line is connected, so no line of it is lost.
        ...['-chardev', `socket,id=s0,path=${sock},server=on,wait=on`, '-serial', 'chardev:s0'],
        ...['-virtfs', 'local,path=/,mount_tag=host,security_model=none,readonly=on,multidevs=remap'],
      ],
      { stdio: ['ignore', 'ignore', 'pipe'] },
    );
    proc.stderr.setEncoding('utf8').on('data', (d: string) => (qemuErr += d));
    return { proc, sock };
  })();
  const exited = new Promise<void>((done) => {
    qemu.proc.once('exit', () => done());
    qemu.proc.once('error', (e) => {
      qemuErr += `spawn: ${e.message}`;
      done();
    });
  });
  const running = () => qemu.proc.exitCode === null && qemu.proc.signalCode === null && qemu.proc.pid !== undefined;
  try {
    const deadline = Date.now() + 10_000;
    while (!serial) {
      if (!running()) throw new Error(`QEMU exited before serving ${qemu.sock}: ${qemuErr}`);
      serial = await new Promise<Socket | undefined>((done) => {
        const s = connect(qemu.sock);
        s.once('connect', () => done(s));
        s.once('error', () => done(undefined));
      });
      if (!serial && Date.now() > deadline) throw new Error(`QEMU did not serve ${qemu.sock} within 10 s: ${qemuErr}`);
      if (!serial) await new Promise((r) => setTimeout(r, 50));
    }
    serial.setEncoding('utf8').on('data', (d: string) => (log += d));
    let timer: NodeJS.Timeout | undefined;
    const timedOut = await Promise.race([exited.then(() => false), new Promise<boolean>((done) => (timer = setTimeout(() => done(true), timeoutMs)))]);
    clearTimeout(timer);
    // Let the socket hand over what QEMU wrote just before it exited.
    await new Promise((r) => setTimeout(r, 100));
    const full = () => `${log}\nQEMU stderr: ${qemuErr}`;
    if (timedOut) throw new Error(`the v2 host did not power off within ${timeoutMs / 1000} s; serial:\n${full().slice(-6000)}`);
    const lines = log.split(/\r?\n/);
    const failed = lines.find((l) => l.startsWith(V2_FAILED));
    if (failed) throw new Error(`the v2 host's /init failed: ${failed.slice(V2_FAILED.length)}; serial:\n${full().slice(-6000)}`);
    const controllersLine = lines.find((l) => l.startsWith(V2_CONTROLLERS));
    if (controllersLine === undefined) throw new Error(`the v2 host printed no cgroup.controllers; serial:\n${full().slice(-6000)}`);
    const exitLine = lines.find((l) => l.startsWith(V2_EXIT));
    const results = lines
      .filter((l) => l.startsWith(V2_RESULT))
      .map((l) => {
        const text = l.slice(V2_RESULT.length);
        try {
          return JSON.parse(text) as unknown;
        } catch {
          throw new Error(`the script printed a line that is not JSON: ${text}`);
        }
      });
    return {
      controllers: controllersLine.slice(V2_CONTROLLERS.length).trim().split(/\s+/).filter(Boolean),
      results,
      exitCode: exitLine === undefined ? null : Number(exitLine.slice(V2_EXIT.length)),
      log: full(),
      seconds: (Date.now() - started) / 1000,
    };
  } finally {
    serial?.destroy();
    if (running()) qemu.proc.kill('SIGKILL');
    await exited;
    rmSync(dir, { recursive: true, force: true });
  }
}
