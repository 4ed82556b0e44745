// Which cgroup mode this host runs and where each controller cgvirt uses lives, from /proc/self/mountinfo and
// /proc/self/cgroup. The parsing is pure (tested on recorded samples); `readHostDetection` feeds it the real files.
import { accessSync, constants, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { CONTROLLERS, type CgroupMode, type Controller } from '../../../shared';
import { probeDeviceFilter } from './bpf/probe';

export interface CgroupMount {
  /** The group the mount shows as its root (not `/` inside a container without a cgroup namespace). */
  root: string;
  mountPoint: string;
  fstype: 'cgroup' | 'cgroup2';
  readOnly: boolean;
  /** v1: the controllers (and `name=` hierarchies) bound to this mount; v2: empty. */
  controllers: string[];
}

/** Where a controller lives and whether we may create groups in it. */
export interface ControllerPlacement {
  version: 1 | 2;
  mount: CgroupMount;
  /** This process's own group in that hierarchy (hierarchy-relative). */
  ownPath: string;
  usable: boolean;
  reason?: string;
}

export interface CgroupDetection {
  mode: CgroupMode;
  privileged: boolean;
  /** May we write anywhere (root, or a delegated v2 subtree)? */
  writable: boolean;
  /** Every controller cgvirt uses, placed or with the reason it cannot be. */
  controllers: Record<Controller, ControllerPlacement | { version: null; usable: false; reason: string }>;
  /** The v2 mount, when there is one (also in hybrid mode, where it may hold no controller). */
  v2?: { mount: CgroupMount; ownPath: string; controllers: string[]; delegatedRoot?: string };
}

// mountinfo escapes space, tab, newline and backslash as octal.
const unescapeMount = (s: string) => s.replace(/\\([0-7]{3})/g, (_, o: string) => String.fromCharCode(parseInt(o, 8)));

export function parseMountinfo(text: string): CgroupMount[] {
  const mounts: CgroupMount[] = [];
  for (const line of text.split('\n')) {
    const sep = line.indexOf(' - ');
    if (sep < 0) continue;
    const pre = line.slice(0, sep).split(' ');
    const [fstype, , superOptions = ''] = line.slice(sep + 3).split(' ');
    if (fstype !== 'cgroup' && fstype !== 'cgroup2') continue;
    const mountOptions = (pre[5] ?? '').split(',');
    const superOpts = superOptions.split(',');
    mounts.push({
      root: unescapeMount(pre[3] ?? '/'),
      mountPoint: unescapeMount(pre[4] ?? ''),
      fstype,
      readOnly: mountOptions.includes('ro') || superOpts.includes('ro'),
      controllers: fstype === 'cgroup' ? superOpts.filter((o) => CONTROLLER_OR_NAME.test(o) && !MOUNT_FLAGS.has(o)) : [],
    });
  }
  return mounts;
}
const CONTROLLER_OR_NAME = /^([a-z_]+|name=.+)$/;
// Super-block options of a v1 cgroup mount that are not controllers.
const MOUNT_FLAGS = new Set(['rw', 'ro', 'noprefix', 'xattr', 'clone_children', 'cpuset_v2_mode', 'none', 'all', 'nsdelegate', 'favordynmods']);

/** `/proc/<pid>/cgroup`: v1 controller → group path, and the v2 group path (the `0::` line). */
export function parseProcCgroup(text: string): { v1: Map<string, string>; v2: string | null } {
  const v1 = new Map<string, string>();
  let v2: string | null = null;
  for (const line of text.split('\n')) {
    const m = /^(\d+):([^:]*):(.*)$/.exec(line);
    if (!m) continue;
    if (m[1] === '0' && m[2] === '') v2 = m[3]!;
    else for (const c of m[2]!.split(',')) if (c) v1.set(c, m[3]!);
  }
  return { v1, v2 };
}

export interface DetectionInput {
  mountinfo: string;
  procCgroup: string;
  uid: number;
  /** Controllers listed in `cgroup.controllers` of our v2 group's parent (what we could enable), when there is a v2 mount. */
  v2Controllers: string[];
  /** Whether our own v2 group's directory is writable by us (a delegated subtree, for a non-root manager). */
  v2Delegated: boolean;
  /** The highest ancestor of our own v2 group we may write (the subtree systemd delegated), hierarchy-relative. */
  v2DelegatedRoot?: string;
  /**
   * The device filter probe (bpf/probe.ts) where devices would be on v2: null when it works, else the reason;
   * absent when not probed (then v2 devices stay unavailable).
   */
  v2DeviceFilter?: string | null;
}

const V2_DEVICES_UNPROBED =
  'cgroup v2 has no devices files: the kernel filters devices with a BPF program attached to the group, and this host was not probed for it';

export function detectCgroups(input: DetectionInput): CgroupDetection {
  const mounts = parseMountinfo(input.mountinfo);
  const proc = parseProcCgroup(input.procCgroup);
  const privileged = input.uid === 0;
  const v1Mounts = mounts.filter((m) => m.fstype === 'cgroup' && m.controllers.some((c) => !c.startsWith('name=')));
  // Several cgroup2 mounts can appear (bind mounts); the one at the shortest mount point is the host's view.
  const v2Mount = mounts.filter((m) => m.fstype === 'cgroup2').sort((a, b) => a.mountPoint.length - b.mountPoint.length)[0];
  const mode: CgroupMode = v1Mounts.length && v2Mount ? 'hybrid' : v1Mounts.length ? 'v1' : v2Mount ? 'v2' : 'none';

  const v2Own = proc.v2 ?? '/';
  const v2Writable = Boolean(v2Mount) && !v2Mount!.readOnly && (privileged || input.v2Delegated);
  const controllers = {} as CgroupDetection['controllers'];
  for (const name of CONTROLLERS) {
    const v1 = v1Mounts.find((m) => m.controllers.includes(name));
    if (v1) {
      const usable = privileged && !v1.readOnly;
      controllers[name] = {
        version: 1,
        mount: v1,
        ownPath: proc.v1.get(name) ?? '/',
        usable,
        ...(usable ? {} : { reason: v1.readOnly ? `the ${name} hierarchy is mounted read-only` : `writing cgroup v1 (${name}) needs root` }),
      };
      continue;
    }
    // v2 has no cpuacct controller: CPU time is in every group's cpu.stat. Devices are a BPF program, not files.
    const inV2 = v2Mount && (name === 'cpuacct' || name === 'devices' || input.v2Controllers.includes(name));
    if (inV2) {
      const reason = !v2Writable
        ? notWritableV2(v2Mount, privileged)
        : name === 'devices'
          ? input.v2DeviceFilter === undefined
            ? V2_DEVICES_UNPROBED
            : (input.v2DeviceFilter ?? undefined)
          : undefined;
      controllers[name] = { version: 2, mount: v2Mount, ownPath: v2Own, usable: reason === undefined, ...(reason ? { reason } : {}) };
      continue;
    }
    controllers[name] = {
      version: null,
      usable: false,
      reason: mode === 'none' ? 'this host has no cgroup filesystem mounted' : `the ${name} controller is not enabled on this host`,
    };
  }
  const writable = Object.values(controllers).some((c) => c.usable);
  return {
    mode,
    privileged,
    writable,
    controllers,
    ...(v2Mount
      ? {
          v2: {
            mount: v2Mount,
            ownPath: v2Own,
            controllers: input.v2Controllers,
            ...(!privileged && input.v2Delegated && input.v2DelegatedRoot ? { delegatedRoot: input.v2DelegatedRoot } : {}),
          },
        }
      : {}),
  };
}

function notWritableV2(mount: CgroupMount, privileged: boolean): string {
  if (mount.readOnly) return 'the cgroup v2 hierarchy is mounted read-only';
  return privileged ? 'the cgroup v2 hierarchy is not writable' : 'writing cgroup v2 needs root or a delegated subtree (e.g. systemd Delegate=yes)';
}

const readOr = (path: string, fallback: string) => {
  try {
    return readFileSync(path, 'utf8');
  } catch {
    return fallback;
  }
};

/** Detection of the host this process runs on. `procRoot` and the device filter probe are injectable for tests. */
export function readHostDetection(procRoot = '/proc', probe: () => string | null = probeDeviceFilter): CgroupDetection {
  const mountinfo = readOr(join(procRoot, 'self/mountinfo'), '');
  const procCgroup = readOr(join(procRoot, 'self/cgroup'), '');
  const v2 = parseMountinfo(mountinfo).find((m) => m.fstype === 'cgroup2');
  let v2Controllers: string[] = [];
  let v2Delegated = false;
  let v2DelegatedRoot: string | undefined;
  if (v2) {
    const own = parseProcCgroup(procCgroup).v2 ?? '/';
    const ownDir = join(v2.mountPoint, relativeToMount(v2, own));
    // Root creates its partition at the top, where every v2 controller is offered; a delegated manager works below
    // its own group, which offers what its parent enabled for it.
    const offering = process.getuid?.() === 0 ? v2.mountPoint : ownDir;
    v2Controllers = readOr(join(offering, 'cgroup.controllers'), '').trim().split(/\s+/).filter(Boolean);
    try {
      accessSync(ownDir, constants.W_OK);
      v2Delegated = true;
      v2DelegatedRoot = delegatedRootOf(v2, own);
    } catch {
      v2Delegated = false;
    }
  }
  // Devices go to v1 where its controller is mounted (hybrid hosts too); only otherwise is the BPF filter probed.
  const v1Devices = parseMountinfo(mountinfo).some((m) => m.fstype === 'cgroup' && m.controllers.includes('devices'));
  const v2DeviceFilter = v2 && !v1Devices ? probe() : undefined;
  return detectCgroups({
    mountinfo,
    procCgroup,
    uid: process.getuid?.() ?? -1,
    v2Controllers,
    v2Delegated,
    ...(v2DelegatedRoot ? { v2DelegatedRoot } : {}),
    ...(v2DeviceFilter !== undefined ? { v2DeviceFilter } : {}),
  });
}

/**
 * The top of the subtree delegated to us: from our own group up, the last directory we may still write (systemd's
 * Delegate=yes chowns the unit's group, e.g. user@1000.service, and nothing above it). Hierarchy-relative.
 */
export function delegatedRootOf(mount: CgroupMount, own: string, writable: (dir: string) => boolean = canWrite): string {
  let top = relativeToMount(mount, own);
  for (let up = parentOf(top); up !== null && writable(join(mount.mountPoint, up)); up = parentOf(up)) top = up;
  return top;
}

const parentOf = (p: string): string | null => (p === '/' || p === '' ? null : p.slice(0, p.lastIndexOf('/')) || '/');
const canWrite = (dir: string): boolean => {
  try {
    accessSync(dir, constants.W_OK);
    return true;
  } catch {
    return false;
  }
};

/** A hierarchy-relative group path as seen through a mount whose root may not be `/` (containers). */
export function relativeToMount(mount: CgroupMount, groupPath: string): string {
  if (mount.root === '/') return groupPath;
  return groupPath === mount.root || groupPath.startsWith(`${mount.root}/`) ? groupPath.slice(mount.root.length) || '/' : groupPath;
}
