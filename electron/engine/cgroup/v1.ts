// cgroup v1: one directory tree per controller (or per set of co-mounted controllers, like `cpu,cpuacct`).
import { join } from 'node:path';
import { CgvirtError, type Controller } from '../../../shared';
import { formatRule, parseDevicesList, type AclRule } from './acl';
import type { CgroupBackend, CpuMax, GroupStats } from './backend';
import { cgroupWriteError, errnoOf, type CgroupFs } from './fs';

// memory.limit_in_bytes reads back PAGE_COUNTER_MAX × page size (about 2^63) when unlimited.
const V1_UNLIMITED_FROM = 2n ** 62n;

export class V1Backend implements CgroupBackend {
  readonly version = 1;
  readonly controllers: readonly Controller[];

  /** `mounts`: controller → the directory where its hierarchy is mounted. */
  constructor(
    private readonly fs: CgroupFs,
    private readonly mounts: ReadonlyMap<Controller, string>,
  ) {
    this.controllers = [...mounts.keys()];
  }

  dirOf(group: string, controller: Controller): string {
    const mount = this.mounts.get(controller);
    if (!mount) throw new CgvirtError('UNSUPPORTED', `the ${controller} controller is not available on this host`);
    return join(mount, group);
  }

  /** One directory per distinct mount: co-mounted controllers share it. */
  private dirs(group: string): string[] {
    return [...new Set([...this.mounts.values()].map((m) => join(m, group)))];
  }

  ensure(group: string): void {
    const levels = group.split('/').filter(Boolean);
    for (let i = 1; i <= levels.length; i++) {
      const level = `/${levels.slice(0, i).join('/')}`;
      for (const dir of this.dirs(level)) {
        if (!this.fs.exists(dir)) {
          try {
            this.fs.mkdir(dir);
          } catch (e) {
            if (errnoOf(e) !== 'EEXIST') throw cgroupWriteError(e, `group ${level}`, dir);
          }
        }
      }
      // A new v1 cpuset group starts with no CPUs and no memory nodes and refuses tasks until given some.
      if (this.mounts.has('cpuset')) this.inheritCpuset(level);
    }
  }

  private inheritCpuset(level: string): void {
    const dir = this.dirOf(level, 'cpuset');
    const parent = join(dir, '..');
    for (const file of ['cpuset.cpus', 'cpuset.mems']) {
      if (this.fs.read(join(dir, file)).trim() !== '') continue;
      const value = this.fs.read(join(parent, file)).trim();
      this.write(join(dir, file), value, `${file} of ${level}`);
    }
  }

  exists(group: string): boolean {
    return this.dirs(group).some((d) => this.fs.exists(d));
  }

  remove(group: string): void {
    for (const dir of this.dirs(group)) {
      try {
        this.fs.rmdir(dir);
      } catch (e) {
        if (errnoOf(e) === 'ENOENT') continue;
        throw e; // EBUSY is the caller's to retry (a zombie is still counted until reaped)
      }
    }
  }

  procsFiles(group: string): string[] {
    return this.dirs(group).map((d) => join(d, 'cgroup.procs'));
  }

  pids(group: string): number[] {
    const pids = new Set<number>();
    for (const dir of this.dirs(group)) {
      try {
        for (const l of this.fs.read(join(dir, 'cgroup.procs')).split('\n')) if (l) pids.add(Number(l));
      } catch (e) {
        if (errnoOf(e) !== 'ENOENT') throw e;
      }
    }
    return [...pids];
  }

  children(group: string): string[] {
    const names = new Set<string>();
    for (const dir of this.dirs(group)) {
      if (this.fs.exists(dir)) for (const c of this.fs.children(dir)) names.add(c);
    }
    return [...names];
  }

  private readOrNull(file: string): string | null {
    try {
      return this.fs.read(file);
    } catch {
      return null;
    }
  }

  private write(file: string, data: string, what: string): void {
    try {
      this.fs.write(file, data);
    } catch (e) {
      throw cgroupWriteError(e, what, file);
    }
  }
  private file(group: string, controller: Controller, name: string): string {
    return join(this.dirOf(group, controller), name);
  }

  writeFile(group: string, controller: Controller, name: string, data: string, what: string): void {
    this.write(this.file(group, controller, name), data, what);
  }
  readFile(group: string, controller: Controller, name: string): string {
    return this.fs.read(this.file(group, controller, name)).trim();
  }

  setCpuShares(group: string, shares: number): void {
    const f = this.file(group, 'cpu', 'cpu.shares');
    this.write(f, String(shares), `cpu_shares ${shares}`);
  }
  getCpuShares(group: string): number {
    return Number(this.fs.read(this.file(group, 'cpu', 'cpu.shares')));
  }

  setCpuMax(group: string, max: CpuMax): void {
    // The period goes first: the kernel checks the quota against the period already in place.
    this.write(this.file(group, 'cpu', 'cpu.cfs_period_us'), String(max.periodUs), `cpu_period ${max.periodUs}`);
    this.write(this.file(group, 'cpu', 'cpu.cfs_quota_us'), String(max.quotaUs ?? -1), `cpu_quota ${max.quotaUs ?? 'unlimited'}`);
  }
  getCpuMax(group: string): CpuMax {
    const quota = Number(this.fs.read(this.file(group, 'cpu', 'cpu.cfs_quota_us')));
    const period = Number(this.fs.read(this.file(group, 'cpu', 'cpu.cfs_period_us')));
    return { quotaUs: quota < 0 ? null : quota, periodUs: period };
  }

  setCpuset(group: string, cpus: string): void {
    this.write(this.file(group, 'cpuset', 'cpuset.cpus'), cpus, `cpuset '${cpus}'`);
  }
  getCpuset(group: string): string {
    return this.fs.read(this.file(group, 'cpuset', 'cpuset.cpus')).trim();
  }

  getMemoryLimit(group: string): number | null {
    const v = BigInt(this.fs.read(this.file(group, 'memory', 'memory.limit_in_bytes')).trim());
    return v >= V1_UNLIMITED_FROM ? null : Number(v);
  }

  denyAllDevices(group: string): void {
    this.write(this.file(group, 'devices', 'devices.deny'), 'a', 'the device ACL (deny all)');
  }
  allowDevice(group: string, rule: AclRule): void {
    this.write(this.file(group, 'devices', 'devices.allow'), formatRule(rule), `device access '${formatRule(rule)}'`);
  }
  denyDevice(group: string, rule: AclRule): void {
    this.write(this.file(group, 'devices', 'devices.deny'), formatRule(rule), `device denial '${formatRule(rule)}'`);
  }
  listDevices(group: string): AclRule[] {
    return parseDevicesList(this.fs.read(this.file(group, 'devices', 'devices.list')));
  }

  readStats(group: string): GroupStats {
    const cpu = this.mounts.has('cpuacct') ? this.readOrNull(this.file(group, 'cpuacct', 'cpuacct.usage')) : null;
    const mem = this.mounts.has('memory') ? this.readOrNull(this.file(group, 'memory', 'memory.usage_in_bytes')) : null;
    return {
      ...(cpu !== null ? { cpuUs: Math.floor(Number(cpu) / 1000) } : {}),
      ...(mem !== null ? { memoryBytes: Number(mem) } : {}),
    };
  }
}
