// cgroup v2: one tree. A controller's files appear in a group only when its parent lists the controller in
// `cgroup.subtree_control`, and a group holding processes cannot hand controllers to children (the no-internal-process
// rule; the root is exempt). Devices have no files here: the kernel filters them with a BPF program per group (bpf/).
import { join } from 'node:path';
import { CgvirtError, type Controller } from '../../../shared';
import type { AclRule } from './acl';
import type { CgroupBackend, CpuMax, GroupStats } from './backend';
import { BpfDeviceFilters, type DeviceFilters } from './v2-devices';
import { sharesForWeight, sharesToWeight } from './cpu-weight';
import { cgroupWriteError, errnoOf, type CgroupFs } from './fs';

/** Controllers that must be enabled in `cgroup.subtree_control` for their files to exist in a child. */
const ENABLED_BY_PARENT: readonly Controller[] = ['cpu', 'cpuset', 'memory'];

export interface V2Options {
  /** Our own pid, to recognize when the process blocking `subtree_control` is the manager itself. */
  selfPid: number;
  /** Where the manager moves itself when it stands in the way of the no-internal-process rule (a leaf of its partition). */
  selfLeaf: string;
  /** The device filters, when this backend serves devices (default: BPF programs in the kernel). */
  devices?: DeviceFilters;
}

export class V2Backend implements CgroupBackend {
  readonly version = 2;
  private readonly filters: DeviceFilters | null;

  /** `controllers`: what this backend serves (cpuacct means cpu.stat, present in every group). */
  constructor(
    private readonly fs: CgroupFs,
    private readonly mount: string,
    readonly controllers: readonly Controller[],
    private readonly options: V2Options,
  ) {
    this.filters = controllers.includes('devices') ? (options.devices ?? new BpfDeviceFilters()) : null;
  }

  dirOf(group: string): string {
    return join(this.mount, group);
  }

  ensure(group: string): void {
    const levels = group.split('/').filter(Boolean);
    const wanted = ENABLED_BY_PARENT.filter((c) => this.controllers.includes(c));
    let parent = '/';
    for (const name of levels) {
      const level = parent === '/' ? `/${name}` : `${parent}/${name}`;
      const dir = this.dirOf(level);
      if (!this.fs.exists(dir)) {
        try {
          this.fs.mkdir(dir);
        } catch (e) {
          if (errnoOf(e) !== 'EEXIST') throw cgroupWriteError(e, `group ${level}`, dir);
        }
      }
      this.enableIn(parent, wanted);
      parent = level;
    }
  }

  /** Lets `group`'s children use `wanted`, moving the manager out of `group` first when the kernel requires it. */
  private enableIn(group: string, wanted: readonly Controller[]): void {
    const dir = this.dirOf(group);
    const enabled = this.fs.read(join(dir, 'cgroup.subtree_control')).split(/\s+/);
    const missing = wanted.filter((c) => !enabled.includes(c));
    if (missing.length === 0) return;
    const offered = this.fs.read(join(dir, 'cgroup.controllers')).split(/\s+/);
    const absent = missing.filter((c) => !offered.includes(c));
    if (absent.length) {
      throw new CgvirtError('UNSUPPORTED', `the ${absent.join(', ')} controller is not offered to cgroup ${group} (its parent does not delegate it)`);
    }
    const file = join(dir, 'cgroup.subtree_control');
    const data = missing.map((c) => `+${c}`).join(' ');
    try {
      this.fs.write(file, data);
    } catch (e) {
      if (errnoOf(e) !== 'EBUSY' || group === '/') throw cgroupWriteError(e, `controllers ${missing.join(', ')} for ${group}`, file);
      const holders = this.pids(group);
      if (holders.length === 0 || holders.some((p) => p !== this.options.selfPid)) {
        throw new CgvirtError(
          'UNSUPPORTED',
          `cannot enable ${missing.join(', ')} below ${group}: it holds processes (${holders.join(', ')}), and cgroup v2 ` +
            'lets only a group without processes hand controllers to its children',
        );
      }
      // Only the manager is in the way: move it into a leaf of its partition, then enable.
      this.ensureLeaf(this.options.selfLeaf);
      this.fs.write(join(this.dirOf(this.options.selfLeaf), 'cgroup.procs'), String(this.options.selfPid));
      try {
        this.fs.write(file, data);
      } catch (e2) {
        throw cgroupWriteError(e2, `controllers ${missing.join(', ')} for ${group}`, file);
      }
    }
  }

  /** Creates the manager's leaf without enabling anything on the way (that is what it is moving out of the way of). */
  private ensureLeaf(leaf: string): void {
    let path = '';
    for (const name of leaf.split('/').filter(Boolean)) {
      path += `/${name}`;
      if (!this.fs.exists(this.dirOf(path))) this.fs.mkdir(this.dirOf(path));
    }
  }

  exists(group: string): boolean {
    return this.fs.exists(this.dirOf(group));
  }

  remove(group: string): void {
    // The kernel detaches the group's device program with the group; only our fds of it are ours to close.
    this.filters?.release(this.dirOf(group));
    try {
      this.fs.rmdir(this.dirOf(group));
    } catch (e) {
      if (errnoOf(e) !== 'ENOENT') throw e;
    }
  }

  procsFiles(group: string): string[] {
    return [join(this.dirOf(group), 'cgroup.procs')];
  }

  pids(group: string): number[] {
    try {
      return this.fs
        .read(join(this.dirOf(group), 'cgroup.procs'))
        .split('\n')
        .filter(Boolean)
        .map(Number);
    } catch (e) {
      if (errnoOf(e) === 'ENOENT') return [];
      throw e;
    }
  }

  children(group: string): string[] {
    return this.exists(group) ? this.fs.children(this.dirOf(group)) : [];
  }

  private need(controller: Controller): void {
    if (!this.controllers.includes(controller)) {
      throw new CgvirtError('UNSUPPORTED', `the ${controller} controller is not available in this host's cgroup v2 hierarchy`);
    }
  }
  private write(group: string, name: string, data: string, what: string): void {
    const file = join(this.dirOf(group), name);
    try {
      this.fs.write(file, data);
    } catch (e) {
      throw cgroupWriteError(e, what, file);
    }
  }
  private read(group: string, name: string): string {
    return this.fs.read(join(this.dirOf(group), name)).trim();
  }

  writeFile(group: string, controller: Controller, name: string, data: string, what: string): void {
    this.need(controller);
    this.write(group, name, data, what);
  }
  readFile(group: string, controller: Controller, name: string): string {
    this.need(controller);
    return this.read(group, name);
  }

  setCpuShares(group: string, shares: number): void {
    this.need('cpu');
    this.write(group, 'cpu.weight', String(sharesToWeight(shares)), `cpu_shares ${shares}`);
  }
  getCpuShares(group: string, lastSet?: number): number {
    this.need('cpu');
    return sharesForWeight(Number(this.read(group, 'cpu.weight')), lastSet);
  }

  setCpuMax(group: string, max: CpuMax): void {
    this.need('cpu');
    this.write(group, 'cpu.max', `${max.quotaUs ?? 'max'} ${max.periodUs}`, `cpu quota ${max.quotaUs ?? 'unlimited'}/${max.periodUs}`);
  }
  getCpuMax(group: string): CpuMax {
    this.need('cpu');
    const [quota, period] = this.read(group, 'cpu.max').split(' ');
    return { quotaUs: quota === 'max' ? null : Number(quota), periodUs: Number(period) };
  }

  setCpuset(group: string, cpus: string): void {
    this.need('cpuset');
    this.write(group, 'cpuset.cpus', cpus, `cpuset '${cpus}'`);
  }
  getCpuset(group: string): string {
    this.need('cpuset');
    // An empty cpuset.cpus means "inherit": the effective file says which CPUs that is.
    return this.read(group, 'cpuset.cpus') || this.read(group, 'cpuset.cpus.effective');
  }

  getMemoryLimit(group: string): number | null {
    this.need('memory');
    const v = this.read(group, 'memory.max');
    return v === 'max' ? null : Number(v);
  }

  private devices(): DeviceFilters {
    this.need('devices');
    return this.filters!;
  }
  denyAllDevices(group: string): void {
    this.devices().denyAll(this.dirOf(group));
  }
  allowDevice(group: string, rule: AclRule): void {
    this.devices().allow(this.dirOf(group), rule);
  }
  denyDevice(group: string, rule: AclRule): void {
    this.devices().deny(this.dirOf(group), rule);
  }
  listDevices(group: string): AclRule[] {
    return this.devices().list(this.dirOf(group));
  }

  readStats(group: string): GroupStats {
    const readOrNull = (name: string) => {
      try {
        return this.read(group, name);
      } catch {
        return null;
      }
    };
    const cpu = readOrNull('cpu.stat');
    const mem = this.controllers.includes('memory') ? readOrNull('memory.current') : null;
    const usage = cpu && /^usage_usec (\d+)$/m.exec(cpu);
    return {
      ...(usage ? { cpuUs: Number(usage[1]) } : {}),
      ...(mem !== null ? { memoryBytes: Number(mem) } : {}),
    };
  }
}
