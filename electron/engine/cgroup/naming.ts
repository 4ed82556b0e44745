// Guest names → group directory names, and the partition → driver → guest paths. Nothing here can produce a path
// outside the partition: names are validated (shared/names.ts) and every joined path is checked again.
import { CgvirtError, DEFAULT_PARTITION, DRIVER_NAME, guestNameProblem, quoteName } from '../../../shared';

// Every controller the kernel knows (v1 and v2): a group named `<controller>.x` would shadow a control file.
const KERNEL_CONTROLLERS = [
  'cpu',
  'cpuacct',
  'cpuset',
  'memory',
  'devices',
  'freezer',
  'blkio',
  'io',
  'net_cls',
  'net_prio',
  'perf_event',
  'hugetlb',
  'pids',
  'rdma',
  'misc',
];
const CONTROL_FILES = new Set(['tasks', 'notify_on_release', 'release_agent']);

/** Would this directory name collide with a control file (or look like one of our escapes)? libvirt's rule. */
function needsEscape(name: string): boolean {
  if (name.startsWith('_') || name.startsWith('.')) return true;
  if (CONTROL_FILES.has(name) || name.startsWith('cgroup.')) return true;
  const dot = name.indexOf('.');
  return dot > 0 && KERNEL_CONTROLLERS.includes(name.slice(0, dot));
}

/** The directory name of a guest's group: the name itself, or `_` + name where it could collide (as libvirt does). */
export function guestDirName(name: string): string {
  const problem = guestNameProblem(name);
  if (problem) throw new CgvirtError('INVALID_ARG', problem);
  return needsEscape(name) ? `_${name}` : name;
}

/** The guest name back from a directory name: an escaped name is the only kind that starts with `_`. */
export const guestNameFromDir = (dir: string): string => (dir.startsWith('_') ? dir.slice(1) : dir);

/**
 * A partition: an absolute hierarchy path of plain segments (`/cgvirt`, `/machine/cgvirt`), where the host admin sets
 * policy for all guests. It comes from configuration (CGVIRT_CGROUP_PARTITION), so it is checked like user input.
 */
export function checkPartition(partition: string = DEFAULT_PARTITION): string {
  const segments = partition.split('/').slice(1);
  const ok =
    partition.startsWith('/') &&
    partition.length <= 512 &&
    segments.length > 0 &&
    segments.every((s) => /^[A-Za-z0-9][A-Za-z0-9_.@-]*$/.test(s) && !needsEscape(s));
  if (!ok) {
    throw new CgvirtError(
      'INVALID_ARG',
      `cgroup partition '${quoteName(partition)}' is not allowed: it must be an absolute path of segments made of ` +
        `letters, digits, '_', '.', '@' or '-', each starting with a letter or digit and not named like a control file`,
    );
  }
  return partition;
}

export const driverPath = (partition: string) => `${partition}/${DRIVER_NAME}`;

/** `<partition>/qemu/<dir>`, hierarchy-relative. */
export function guestGroupPath(partition: string, name: string): string {
  const driver = driverPath(partition);
  const path = `${driver}/${guestDirName(name)}`;
  // Belt and braces: the name rules above already exclude '/', '.' and '..'.
  if (!path.startsWith(`${driver}/`) || path.slice(driver.length + 1).includes('/')) {
    throw new CgvirtError('INTERNAL', 'guest group path escaped its driver group');
  }
  return path;
}

/** The guest name of a hierarchy-relative group path inside our driver group, or null. */
export function guestOfGroupPath(partition: string, groupPath: string): string | null {
  const prefix = `${driverPath(partition)}/`;
  if (!groupPath.startsWith(prefix)) return null;
  const dir = groupPath.slice(prefix.length);
  if (dir === '' || dir.includes('/')) return null;
  return guestNameFromDir(dir);
}
