// The three levels: partition (host policy for all guests) → driver (`qemu`, holds no process, namespaces names) →
// one group per guest holding its QEMU. Each controller goes to the backend where this host mounts it.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { z } from 'zod';
import {
  CgvirtError,
  CONTROLLERS,
  CPU_PERIOD_US,
  cpuPeriodSchema,
  cpuQuotaSchema,
  cpuSharesSchema,
  MiB,
  type Controller,
  type DeviceType,
  type HostInfo,
} from '../../../shared';
import { checkAccess, ruleForPath, type AclRule } from './acl';
import type { CgroupBackend, CpuMax, GroupStats } from './backend';
import { checkCpuset } from './cpulist';
import { parseProcCgroup, relativeToMount, type CgroupDetection, type CgroupMount } from './detect';
import { errnoOf, nodeCgroupFs, type CgroupFs } from './fs';
import { checkPartition, driverPath, guestGroupPath, guestOfGroupPath } from './naming';
import { V1Backend } from './v1';
import { V2Backend } from './v2';

export interface HierarchyOptions {
  detection: CgroupDetection;
  /**
   * Hierarchy-relative partition path (CGVIRT_CGROUP_PARTITION); default `/cgvirt`, or for a regular user on cgroup
   * v2 `<the subtree delegated to it>/cgvirt`.
   */
  partition?: string | undefined;
  /** Injectable for tests on temporary trees. */
  fs?: CgroupFs;
  /** Where /proc is (to read /proc/<pid>/cgroup). */
  procRoot?: string;
  selfPid?: number;
}

/** The cgroup layer checks its inputs too (the bench and tests call it directly), with the contract's words. */
function checked<T>(schema: z.ZodType<T>, value: unknown): T {
  const r = schema.safeParse(value);
  if (!r.success) throw new CgvirtError('INVALID_ARG', r.error.issues.map((i) => i.message).join('; '));
  return r.data;
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

export class CgroupHierarchy {
  readonly partition: string;
  readonly driver: string;
  private readonly backends = new Map<Controller, CgroupBackend>();
  private readonly mounts = new Map<Controller, CgroupMount>();
  private readonly fs: CgroupFs;
  private readonly procRoot: string;

  constructor(
    readonly detection: CgroupDetection,
    options: Omit<HierarchyOptions, 'detection'> = {},
  ) {
    // A regular user on cgroup v2 needs no setting: its partition goes in the subtree delegated to it.
    const delegated = detection.v2?.delegatedRoot;
    this.partition = checkPartition(options.partition ?? (delegated ? `${delegated === '/' ? '' : delegated}/cgvirt` : undefined));
    this.driver = driverPath(this.partition);
    this.fs = options.fs ?? nodeCgroupFs;
    this.procRoot = options.procRoot ?? '/proc';
    const v1 = new Map<Controller, string>();
    const v2: Controller[] = [];
    let v2Mount: CgroupMount | undefined;
    for (const name of CONTROLLERS) {
      const c = detection.controllers[name];
      if (!c.usable || c.version === null) continue;
      this.mounts.set(name, c.mount);
      if (c.version === 1) v1.set(name, c.mount.mountPoint);
      else {
        v2.push(name);
        v2Mount = c.mount;
      }
    }
    const v1Backend = v1.size ? new V1Backend(this.fs, v1) : null;
    const v2Backend = v2Mount
      ? new V2Backend(this.fs, v2Mount.mountPoint, v2, { selfPid: options.selfPid ?? process.pid, selfLeaf: `${this.partition}/engine` })
      : null;
    for (const name of v1.keys()) this.backends.set(name, v1Backend!);
    for (const name of v2) this.backends.set(name, v2Backend!);
  }

  /** The backend serving `controller`, or UNSUPPORTED naming the controller and why. */
  backend(controller: Controller): CgroupBackend {
    const b = this.backends.get(controller);
    if (b) return b;
    const c = this.detection.controllers[controller];
    throw new CgvirtError('UNSUPPORTED', `the ${controller} cgroup controller is unavailable: ${c.reason ?? 'not usable on this host'}`);
  }

  private distinctBackends(): CgroupBackend[] {
    return [...new Set(this.backends.values())];
  }

  /** Whether `controller` can be used on this host, and why not (what the UI shows beside a feature that needs it). */
  availability(controller: Controller): { available: boolean; reason?: string } {
    const c = this.detection.controllers[controller];
    return c.usable ? { available: true } : { available: false, reason: `${controller} controller: ${c.reason ?? 'unavailable'}` };
  }

  /** This host's cgroup part of host:info: mode, controllers and privilege. */
  report(): { cgroup: HostInfo['cgroup']; privileged: boolean } {
    const d = this.detection;
    return {
      cgroup: {
        mode: d.mode,
        writable: d.writable,
        partition: this.partition,
        controllers: CONTROLLERS.map((name) => {
          const c = d.controllers[name];
          return { name, version: c.version, usable: c.usable, ...(c.reason ? { reason: c.reason } : {}) };
        }),
      },
      privileged: d.privileged,
    };
  }

  /** Creates the partition and driver groups where missing (both hold no process). */
  ensureDriver(): void {
    for (const b of this.distinctBackends()) b.ensure(this.driver);
  }

  guest(name: string): GuestGroup {
    return new GuestGroup(this, name, guestGroupPath(this.partition, name));
  }

  /**
   * Creates a guest's group, first removing a stale one of the same name (as libvirt does at start). A stale group
   * that still holds processes is not removed: those are somebody's running processes, maybe a guest we lost track of.
   */
  async createGuest(name: string): Promise<GuestGroup> {
    const g = this.guest(name);
    if (g.exists()) await g.remove();
    this.ensureDriver();
    for (const b of this.distinctBackends()) b.ensure(g.path);
    return g;
  }

  /** Names of the guests that have a group under the driver. */
  guestGroups(): string[] {
    const names = new Set<string>();
    for (const b of this.distinctBackends()) for (const dir of b.children(this.driver)) names.add(dir);
    return [...names].flatMap((dir) => guestOfGroupPath(this.partition, `${this.driver}/${dir}`) ?? []);
  }

  /** The guest whose group holds `pid`, from /proc/<pid>/cgroup (null when the process is in none of ours). */
  guestOfPid(pid: number): string | null {
    let text: string;
    try {
      text = readFileSync(join(this.procRoot, String(pid), 'cgroup'), 'utf8');
    } catch {
      return null;
    }
    const proc = parseProcCgroup(text);
    for (const [controller, mount] of this.mounts) {
      const raw = mount.fstype === 'cgroup2' ? proc.v2 : proc.v1.get(controller);
      if (raw == null) continue;
      const name = guestOfGroupPath(this.partition, relativeToMount(mount, raw));
      if (name !== null) return name;
    }
    return null;
  }

  /** Controller → the group path as /proc/<pid>/cgroup shows it (the mount's own root prepended in containers). */
  absolutePaths(group: string): Partial<Record<Controller, string>> {
    const out: Partial<Record<Controller, string>> = {};
    for (const [controller, mount] of this.mounts) out[controller] = mount.root === '/' ? group : `${mount.root}${group}`;
    return out;
  }

  /** Per controller, the group a process is in, hierarchy-relative to our mounts. */
  groupsOfPid(pid: number): Partial<Record<Controller, string>> {
    const text = readFileSync(join(this.procRoot, String(pid), 'cgroup'), 'utf8');
    const proc = parseProcCgroup(text);
    const out: Partial<Record<Controller, string>> = {};
    for (const [controller, mount] of this.mounts) {
      const raw = mount.fstype === 'cgroup2' ? proc.v2 : proc.v1.get(controller);
      if (raw != null) out[controller] = relativeToMount(mount, raw);
    }
    return out;
  }

  /** The CPUs guests may be pinned to: those of the driver group (what the host admin left to the partition). */
  availableCpus(): string {
    const b = this.backend('cpuset');
    return b.exists(this.driver) ? b.getCpuset(this.driver) : readFileSync('/sys/devices/system/cpu/online', 'utf8').trim();
  }

  usedControllers(): Controller[] {
    return [...this.backends.keys()];
  }

  get cgroupFs(): CgroupFs {
    return this.fs;
  }
}

/** A control file's name in each cgroup version that has it. */
export type ControlFiles = Partial<Record<1 | 2, string>>;

function fileFor(files: ControlFiles, version: 1 | 2, controller: Controller): string {
  const name = files[version];
  if (!name) throw new CgvirtError('UNSUPPORTED', `cgroup v${version} has no such ${controller} control (${Object.values(files).join(', ')} only)`);
  return name;
}

export interface RemoveOptions {
  /** Kill what is still inside (SIGTERM, then SIGKILL after `graceMs`) instead of refusing. */
  kill?: boolean;
  graceMs?: number;
}

/** One guest's group across every controller in use. Control writes are synchronous (see fs.ts). */
export class GuestGroup {
  constructor(
    private readonly h: CgroupHierarchy,
    readonly name: string,
    /** Hierarchy-relative: `/cgvirt/qemu/<dir>`. */
    readonly path: string,
  ) {}

  private backends(): CgroupBackend[] {
    return [...new Set(this.h.usedControllers().map((c) => this.h.backend(c)))];
  }

  exists(): boolean {
    return this.backends().some((b) => b.exists(this.path));
  }

  /** Controller → the group's path as /proc/<pid>/cgroup shows it. */
  paths(): Partial<Record<Controller, string>> {
    return this.h.absolutePaths(this.path);
  }

  /** The files the exec wrapper writes QEMU's pid into, so it is in every group before its first instruction. */
  procsFiles(): string[] {
    return this.backends().flatMap((b) => b.procsFiles(this.path));
  }

  pids(): number[] {
    return [...new Set(this.backends().flatMap((b) => b.pids(this.path)))];
  }

  addProcess(pid: number): void {
    for (const file of this.procsFiles()) {
      try {
        this.h.cgroupFs.write(file, String(pid));
      } catch (e) {
        throw new CgvirtError('OPERATION_FAILED', `cannot move process ${pid} into ${this.path} (${errnoOf(e) ?? 'error'} on ${file})`);
      }
    }
  }

  /** Does `pid` sit in this group in every controller in use? Lists the controllers where it does not. */
  misplacedControllers(pid: number): Controller[] {
    const actual = this.h.groupsOfPid(pid);
    return this.h.usedControllers().filter((c) => actual[c] !== this.path);
  }

  /**
   * Writes a control file named per cgroup version (`{1: 'memory.soft_limit_in_bytes', 2: 'memory.high'}`): how a
   * tunable without rules of its own reaches the kernel. UNSUPPORTED when this host's version has no such file.
   */
  writeControl(controller: Controller, files: ControlFiles, data: string | ((version: 1 | 2) => string), what: string): void {
    const b = this.h.backend(controller);
    b.writeFile(this.path, controller, fileFor(files, b.version, controller), typeof data === 'string' ? data : data(b.version), what);
  }
  readControl(controller: Controller, files: ControlFiles): string {
    const b = this.h.backend(controller);
    return b.readFile(this.path, controller, fileFor(files, b.version, controller));
  }

  setCpuShares(shares: number): void {
    this.h.backend('cpu').setCpuShares(this.path, checked(cpuSharesSchema, shares));
  }
  getCpuShares(lastSet?: number): number {
    return this.h.backend('cpu').getCpuShares(this.path, lastSet);
  }

  /** A hard cap: `quotaUs` of CPU time per `periodUs`; null quota for unlimited. */
  setCpuQuota(quotaUs: number | null, periodUs: number = CPU_PERIOD_US.default): void {
    this.h.backend('cpu').setCpuMax(this.path, {
      quotaUs: quotaUs === null ? null : checked(cpuQuotaSchema, quotaUs),
      periodUs: checked(cpuPeriodSchema, periodUs),
    });
  }
  getCpuQuota(): CpuMax {
    return this.h.backend('cpu').getCpuMax(this.path);
  }

  /** Pins the guest to `cpus` (checked against the CPUs the partition offers); returns the normalized list. */
  setCpuset(cpus: string): string {
    const normalized = checkCpuset(cpus, this.h.availableCpus());
    this.h.backend('cpuset').setCpuset(this.path, normalized);
    return normalized;
  }
  getCpuset(): string {
    return this.h.backend('cpuset').getCpuset(this.path);
  }

  setMemoryLimitMiB(mib: number | null): void {
    if (mib !== null && !(Number.isInteger(mib) && mib > 0))
      throw new CgvirtError('INVALID_ARG', `memory limit '${mib}' must be a positive number of MiB`);
    // No rule of its own: the file's name and its word for unlimited differ per version, nothing else.
    const value = (version: 1 | 2) => (mib !== null ? String(mib * MiB) : version === 1 ? '-1' : 'max');
    this.writeControl('memory', { 1: 'memory.limit_in_bytes', 2: 'memory.max' }, value, 'the memory limit');
  }
  getMemoryLimitMiB(): number | null {
    const bytes = this.h.backend('memory').getMemoryLimit(this.path);
    return bytes === null ? null : Math.floor(bytes / MiB);
  }

  /** Replaces the whole ACL: deny everything, then allow exactly `rules`. */
  setAcl(rules: readonly AclRule[]): void {
    const b = this.h.backend('devices');
    b.denyAllDevices(this.path);
    for (const r of rules) b.allowDevice(this.path, { ...r, access: checkAccess(r.access) });
  }
  allow(rule: AclRule): void {
    this.h.backend('devices').allowDevice(this.path, { ...rule, access: checkAccess(rule.access) });
  }
  /** Allows one device node (stat'ed: character or block only). */
  allowPath(path: string, access = 'rw'): AclRule {
    const rule = ruleForPath(path, access);
    this.allow(rule);
    return rule;
  }
  /** Allows every minor of a major (e.g. the PTYs, 136). */
  allowMajor(type: DeviceType, major: number, access = 'rw'): void {
    this.allow({ type, major, minor: '*', access });
  }
  /** Takes one entry away, live: the next open of that node fails with EPERM. */
  deny(rule: AclRule): void {
    this.h.backend('devices').denyDevice(this.path, rule);
  }
  acl(): AclRule[] {
    return this.h.backend('devices').listDevices(this.path);
  }

  stats(): GroupStats {
    const cpu = this.h.detection.controllers.cpuacct.usable ? this.h.backend('cpuacct') : null;
    const mem = this.h.detection.controllers.memory.usable ? this.h.backend('memory') : null;
    if (cpu && cpu === mem) return cpu.readStats(this.path);
    const a = cpu?.readStats(this.path);
    const b = mem?.readStats(this.path);
    return { ...(a?.cpuUs !== undefined ? { cpuUs: a.cpuUs } : {}), ...(b?.memoryBytes !== undefined ? { memoryBytes: b.memoryBytes } : {}) };
  }

  /**
   * Removes the group from every controller. Refuses while it holds processes unless `kill` (SIGTERM, then SIGKILL
   * after the grace period). Retries EBUSY briefly: an exited process still counts until its parent reaps it.
   */
  async remove({ kill = false, graceMs = 3000 }: RemoveOptions = {}): Promise<void> {
    let pids = this.pids();
    if (pids.length && !kill) {
      throw new CgvirtError(
        'OPERATION_INVALID',
        `guest group ${this.path} still holds process${pids.length > 1 ? 'es' : ''} ${pids.join(', ')}: stop the guest first`,
      );
    }
    if (pids.length) {
      signal(pids, 'SIGTERM');
      const deadline = Date.now() + graceMs;
      while ((pids = this.pids()).length && Date.now() < deadline) await sleep(25);
      if (pids.length) signal(pids, 'SIGKILL');
      for (let i = 0; i < 200 && (pids = this.pids()).length; i++) await sleep(25);
      if (pids.length) throw new CgvirtError('OPERATION_FAILED', `processes ${pids.join(', ')} in ${this.path} survived SIGKILL`);
    }
    await this.removeTree(this.path);
  }

  private async removeTree(group: string): Promise<void> {
    for (const b of this.backends()) for (const child of b.children(group)) await this.removeTree(`${group}/${child}`);
    for (let attempt = 0; ; attempt++) {
      try {
        for (const b of this.backends()) b.remove(group);
        return;
      } catch (e) {
        if (errnoOf(e) !== 'EBUSY' || attempt >= 200) {
          throw new CgvirtError('OPERATION_FAILED', `cannot remove cgroup ${group}: ${errnoOf(e) ?? (e as Error).message}`);
        }
        await sleep(25);
      }
    }
  }
}

function signal(pids: number[], sig: NodeJS.Signals): void {
  for (const pid of pids) {
    try {
      process.kill(pid, sig);
    } catch {
      // already gone
    }
  }
}
