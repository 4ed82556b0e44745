// Bridged networking on this host: whether this engine may do it (privilege, /dev/net/tun, the `ip` command), the
// host's bridges (from sysfs), and the persistent tap each bridged NIC uses — named from the guest, made and joined to
// its bridge before QEMU starts, deleted after QEMU ends. `ip` runs through execFile with an argument array (no shell);
// the only user text, a bridge name, is one whole argument, checked against the interface-name rule before.
import { execFile } from 'node:child_process';
import { createHash } from 'node:crypto';
import { accessSync, constants, existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { delimiter, isAbsolute, join } from 'node:path';
import { CgvirtError, TUN_DEVICE_PATH } from '../../../shared';

export const SYS_CLASS_NET = '/sys/class/net';
/** capability(7) number of CAP_NET_ADMIN: what making a tap and enslaving it to a bridge take. */
const CAP_NET_ADMIN = 12n;
const IP_TIMEOUT_MS = 10_000;
/** Every tap cgvirt makes starts so (and none of its test bridges: they start `cgvt`, and a hex digit is never `t`). */
export const TAP_PREFIX = 'cgv';

export type BridgingProbe = { available: true } | { available: false; reason: string };

/** What the probe reads of this process and host; a test passes its own. */
export interface BridgingHost {
  uid: number;
  /** The effective and ambient capability sets (`CapEff`, `CapAmb` in /proc/self/status). */
  capEff: bigint;
  capAmb: bigint;
  tunDevice: string;
  /** Where `ip` (iproute2) is, or null. */
  ipBinary: string | null;
}

function capabilities(): { capEff: bigint; capAmb: bigint } {
  try {
    const status = readFileSync('/proc/self/status', 'utf8');
    const cap = (name: string) => BigInt(`0x${new RegExp(`^${name}:\\s*([0-9a-f]+)$`, 'm').exec(status)?.[1] ?? '0'}`);
    return { capEff: cap('CapEff'), capAmb: cap('CapAmb') };
  } catch {
    return { capEff: 0n, capAmb: 0n };
  }
}

/** `ip` on PATH, else where Debian puts it (a service's PATH may lack the sbin directories). */
export function findIp(pathEnv = process.env.PATH ?? ''): string | null {
  const dirs = [...pathEnv.split(delimiter).filter((d) => isAbsolute(d)), '/usr/sbin', '/sbin', '/usr/bin', '/bin'];
  for (const dir of dirs) {
    const candidate = join(dir, 'ip');
    try {
      if (statSync(candidate).isFile()) {
        accessSync(candidate, constants.X_OK);
        return candidate;
      }
    } catch {
      // not here
    }
  }
  return null;
}

export function thisHost(): BridgingHost {
  return { uid: process.getuid?.() ?? -1, ...capabilities(), tunDevice: TUN_DEVICE_PATH, ipBinary: findIp() };
}

/**
 * Whether this engine can put a NIC on a host bridge, and why not in words. It needs CAP_NET_ADMIN in what `ip`
 * inherits: root's (a root exec keeps its bounding set), or an ambient capability; a file capability on the engine's
 * own binary would not reach `ip`. QEMU then opens /dev/net/tun itself.
 */
export function probeBridging(host: BridgingHost = thisHost()): BridgingProbe {
  const has = (set: bigint) => ((set >> CAP_NET_ADMIN) & 1n) === 1n;
  if (!((host.uid === 0 && has(host.capEff)) || has(host.capAmb))) {
    return {
      available: false,
      reason:
        host.uid === 0
          ? 'bridged networking needs CAP_NET_ADMIN, which this engine lacks although it runs as root (a restricted container?)'
          : `bridged networking needs a privileged engine (root); this one runs as uid ${host.uid}`,
    };
  }
  try {
    if (!statSync(host.tunDevice).isCharacterDevice()) return { available: false, reason: `${host.tunDevice} is not a character device` };
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    return {
      available: false,
      reason: code === 'ENOENT' ? `${host.tunDevice} does not exist (load the tun module)` : `${host.tunDevice} cannot be read (${String(code)})`,
    };
  }
  if (!host.ipBinary) return { available: false, reason: 'bridged networking needs the ip command (Debian package iproute2), which is not installed' };
  return { available: true };
}

/** The host's bridges, sorted: every interface with a `bridge` directory in sysfs. */
export function listBridges(sysNet = SYS_CLASS_NET): string[] {
  let names: string[];
  try {
    names = readdirSync(sysNet);
  } catch {
    return [];
  }
  return names.filter((n) => existsSync(join(sysNet, n, 'bridge'))).sort();
}

/** The tap of NIC `index` of guest `uuid`: `cgv` + 8 hex digits (11 characters; Linux allows 15), stable per NIC. */
export function tapName(uuid: string, index: number): string {
  return `${TAP_PREFIX}${createHash('sha256').update(`${uuid}/tap${index}`).digest('hex').slice(0, 8)}`;
}

/** What holds an interface name now. A tap with no carrier has no process attached (QEMU sets it on attach). */
export function interfaceKind(name: string, sysNet = SYS_CLASS_NET): 'none' | 'idle tap' | 'busy tap' | 'other' {
  const dir = join(sysNet, name);
  if (!existsSync(dir)) return 'none';
  if (!existsSync(join(dir, 'tun_flags'))) return 'other';
  try {
    return readFileSync(join(dir, 'carrier'), 'utf8').trim() === '1' ? 'busy tap' : 'idle tap';
  } catch {
    return 'idle tap'; // a link that is down answers EINVAL for its carrier: nothing uses it
  }
}

export interface TapOptions {
  /** The `ip` binary; default: found as `findIp` does. */
  ip?: string | null;
  sysNet?: string;
}

function runIp(ip: string | null | undefined, args: string[]): Promise<void> {
  const bin = ip === undefined ? findIp() : ip;
  if (!bin) return Promise.reject(new CgvirtError('UNSUPPORTED', 'the ip command (Debian package iproute2) is not installed'));
  return new Promise((resolve, reject) => {
    execFile(bin, args, { timeout: IP_TIMEOUT_MS, killSignal: 'SIGKILL', maxBuffer: 64 * 1024 }, (err, _out, stderr) => {
      if (!err) return resolve();
      const why = String(stderr).trim() || err.message;
      reject(new CgvirtError('OPERATION_FAILED', `ip ${args.join(' ')} failed: ${why}`));
    });
  });
}

/**
 * Makes the persistent tap `tap`. One left by a run whose cleanup never happened (no process on it) is deleted first
 * and `note`d; a name held by anything else (a busy tap, another kind of interface) is refused, never taken over.
 * For an engine that is not root the tap is owned by its uid, so its QEMU (the same uid) may attach to it.
 */
export async function addTap(tap: string, what: string, note: (line: string) => void, opts: TapOptions = {}): Promise<void> {
  const kind = interfaceKind(tap, opts.sysNet);
  if (kind === 'idle tap') {
    await deleteTap(tap, opts);
    note(`deleted the tap ${tap} a run of this guest left behind`);
  } else if (kind !== 'none') {
    throw new CgvirtError(
      'OPERATION_FAILED',
      `the tap name ${tap} for ${what} is taken on this host by ${kind === 'busy tap' ? 'a tap some process uses' : 'an interface that is not a tap'}; remove it (ip link del ${tap}) and start again`,
    );
  }
  const uid = process.getuid?.() ?? 0;
  await runIp(opts.ip, ['tuntap', 'add', 'dev', tap, 'mode', 'tap', ...(uid === 0 ? [] : ['user', String(uid)])]);
}

/** Joins `tap` to `bridge` and sets it up. */
export async function attachTap(tap: string, bridge: string, opts: TapOptions = {}): Promise<void> {
  await runIp(opts.ip, ['link', 'set', 'dev', tap, 'master', bridge, 'up']);
}

/** Deletes `tap`; one already gone is done. */
export async function deleteTap(tap: string, opts: TapOptions = {}): Promise<void> {
  const sysNet = opts.sysNet ?? SYS_CLASS_NET;
  if (!existsSync(join(sysNet, tap))) return;
  try {
    await runIp(opts.ip, ['link', 'del', 'dev', tap]);
  } catch (e) {
    if (existsSync(join(sysNet, tap))) throw e;
  }
}

/**
 * Why a NIC's bridge cannot be used here, or null; `at` names the field (`nics[0].bridge`). The engine's own ability
 * comes first: an unprivileged engine refuses every bridge with the probe's reason, whatever the host has.
 */
export function bridgeProblem(at: string, bridge: string, probe: BridgingProbe, bridges: readonly string[]): string | null {
  if (!probe.available) return `${at} '${bridge}' cannot be used: ${probe.reason}`;
  if (!bridges.includes(bridge)) return `${at} '${bridge}' is not a bridge on this host; bridges here: ${bridges.length ? bridges.join(', ') : 'none'}`;
  return null;
}
