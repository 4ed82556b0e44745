// One interface over the two ways the kernel exposes cgroups. `group` is always a hierarchy-relative path such as
// `/cgvirt/qemu/web`; each backend maps it onto its own directories. Control writes are synchronous (see fs.ts).
import type { Controller } from '../../../shared';
import type { AclRule } from './acl';

export interface CpuMax {
  /** µs per period, null for unlimited. */
  quotaUs: number | null;
  periodUs: number;
}

export interface GroupStats {
  /** Total CPU time used by the group, µs. */
  cpuUs?: number;
  memoryBytes?: number;
}

export interface CgroupBackend {
  readonly version: 1 | 2;
  /** The controllers this backend serves. */
  readonly controllers: readonly Controller[];

  /** The directory of `group` for each controller served. */
  dirOf(group: string, controller: Controller): string;
  /** Creates every missing level down to `group`, preparing each as the kernel requires (cpuset copy, subtree_control). */
  ensure(group: string): void;
  exists(group: string): boolean;
  /** Removes `group` itself (it must have no children and no processes); a missing group is not an error. */
  remove(group: string): void;
  /** The `cgroup.procs` files a process writes its pid into to join `group` everywhere this backend serves. */
  procsFiles(group: string): string[];
  pids(group: string): number[];
  children(group: string): string[];

  /** A control file of `controller` in `group` by its kernel name, for tunables that need no rule of their own. */
  writeFile(group: string, controller: Controller, name: string, data: string, what: string): void;
  readFile(group: string, controller: Controller, name: string): string;

  setCpuShares(group: string, shares: number): void;
  /** `lastSet` lets a lossy backend (v2 weight) return exactly the value that was set. */
  getCpuShares(group: string, lastSet?: number): number;
  setCpuMax(group: string, max: CpuMax): void;
  getCpuMax(group: string): CpuMax;
  setCpuset(group: string, cpus: string): void;
  getCpuset(group: string): string;
  /** Bytes, null for unlimited (written through writeFile: see GuestGroup.setMemoryLimitMiB). */
  getMemoryLimit(group: string): number | null;

  denyAllDevices(group: string): void;
  allowDevice(group: string, rule: AclRule): void;
  denyDevice(group: string, rule: AclRule): void;
  listDevices(group: string): AclRule[];

  /** Synchronous on purpose: callers batch many groups per tick and yield between batches (stats.ts). */
  readStats(group: string): GroupStats;
}
