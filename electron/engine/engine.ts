// The engine: every privileged act, behind EngineApi. It holds the definitions, the running guests and their order of
// operations (one at a time per guest), and pushes state changes and stats as events. It knows nothing of channels or
// transports; inputs arrive validated by the channel schemas in shared/.
import { randomUUID } from 'node:crypto';
import { EventEmitter } from 'node:events';
import { join } from 'node:path';
import {
  CgvirtError,
  CPU_PERIOD_US,
  CPU_SHARES,
  noDomain,
  quoteName,
  type AclEntry,
  type BrokenDefinition,
  type Definition,
  type Disk,
  type EventName,
  type EventOf,
  type HostDevice,
  type HostInfo,
  type ParsedRequestOf,
  type ResponseOf,
  type ScopeFlags,
  type SchedParam,
  type VmInfo,
  type VmState,
} from '../../shared';
import type { EngineApi } from './api';
import { covers, type CgroupHierarchy, type GuestGroup } from './cgroup';
import { checkCpuset } from './cgroup/cpulist';
import { enumerateHostDevices } from './host/devices';
import { probeHost } from './host/probe';
import { disksProblem } from './qemu/disk';
import { createImage } from './qemu/img';
import { appendLogLine, readLogTail } from './qemu/log';
import type { ExitStatus } from './qemu/launch';
import { checkExtraDevices, describeAcl, diffAcl, planAcl } from './vms/acl';
import { attachDiskLive, detachDiskLive } from './vms/hotplug';
import { cleanUpAfterExit, describeEnd, startGuest, type LifecycleContext } from './vms/lifecycle';
import { KeyedQueue } from './vms/queue';
import { reconnect } from './vms/reconnect';
import type { RunningGuest, StartTimings } from './vms/running';
import type { RuntimeDir } from './vms/runtime';
import { StatsSampler } from './vms/sampler';
import { applySchedLive, schedOfDefinition, schedOfGroup, withSched } from './vms/sched';
import type { DefinitionStore } from './vms/store';
import { definitionFileName } from './vms/store';

export interface EngineParts {
  store: DefinitionStore;
  runtime: RuntimeDir;
  cgroups: CgroupHierarchy;
  configDir: string;
  qemuBinary?: string | undefined;
  /** SIGTERM → SIGKILL grace for destroy. */
  destroyGraceMs: number;
  statsIntervalMs?: number | undefined;
  beforeCont?: LifecycleContext['beforeCont'];
}

/** Fields of a definition that can change on a running guest without a restart. */
const LIVE_FIELDS = ['cpu', 'memoryLimitMiB', 'devices', 'autostart'] as const;
const ALL_FIELDS = ['memoryMiB', 'vcpus', 'disks', 'cpu', 'memoryLimitMiB', 'devices', 'autostart', 'vnc'] as const;
type Field = (typeof ALL_FIELDS)[number];

const same = (a: unknown, b: unknown) => JSON.stringify(a) === JSON.stringify(b);
const changedFields = (a: Definition, b: Definition): Field[] => ALL_FIELDS.filter((f) => !same(a[f], b[f]));

/** libvirt's "current": live when running, config otherwise, unless the caller says. */
function scope(flags: ScopeFlags, running: boolean): { live: boolean; config: boolean } {
  if (flags?.live || flags?.config) return { live: Boolean(flags.live), config: Boolean(flags.config) };
  return { live: running, config: !running };
}

export class Engine implements EngineApi {
  private readonly events = new EventEmitter();
  private readonly queue = new KeyedQueue();
  private readonly running = new Map<string, RunningGuest>();
  /** How each guest last ended (shut off, crashed, failed to start), until it starts again. */
  private readonly ended = new Map<string, { state: 'shutoff' | 'crashed'; reason: string }>();
  private readonly sampler: StatsSampler;
  private readonly ctx: LifecycleContext;
  private lastHost: string | null = null;
  private closed = false;

  constructor(private readonly p: EngineParts) {
    this.events.setMaxListeners(0);
    this.ctx = {
      cgroups: p.cgroups,
      runtime: p.runtime,
      qemuBinary: p.qemuBinary,
      logPath: (name) => join(p.configDir, 'logs', `${encodeURIComponent(name)}.log`),
      beforeCont: p.beforeCont,
    };
    this.sampler = new StatsSampler(
      () => [...this.running.values()].flatMap((r) => (r.group ? [r.group] : [])),
      (tick) => this.emit('stats:tick', tick),
      p.statsIntervalMs,
    );
  }

  /** Reattaches to guests that outlived the previous engine, then starts the autostart ones. */
  async init({ autostart = true } = {}): Promise<string[]> {
    const notes: string[] = [];
    const r = await reconnect(this.ctx, (uuid) => this.p.store.byUuid(uuid));
    notes.push(...r.notes);
    for (const g of r.guests) this.watch(g);
    // Empty groups of guests that are not running are leftovers (a crash of a previous engine mid-cleanup).
    if (this.p.cgroups.detection.writable) {
      for (const name of this.p.cgroups.guestGroups()) {
        if (this.running.has(name)) continue;
        await this.p.cgroups.guest(name).remove().then(
          () => notes.push(`removed leftover group of '${name}'`),
          (e: Error) => notes.push(`left group of '${name}': ${e.message}`),
        );
      }
    }
    if (autostart) {
      for (const def of this.p.store.list().filter((d) => d.autostart && !this.running.has(d.name))) {
        await this.start(def.name).then(
          () => notes.push(`autostarted '${def.name}'`),
          (e: Error) => notes.push(`autostart of '${def.name}' failed: ${e.message}`),
        );
      }
    }
    this.sampler.start();
    return notes;
  }

  // ── events ──────────────────────────────────────────────────────────────────────────────────────────────────────

  on<E extends EventName>(event: E, listener: (payload: EventOf<E>) => void): () => void {
    this.events.on(event, listener);
    return () => this.events.off(event, listener);
  }

  private emit<E extends EventName>(event: E, payload: EventOf<E>): void {
    if (!this.closed) this.events.emit(event, payload);
  }

  private setState(name: string, state: VmState, reason?: string): void {
    this.emit('vm:state', { name, state, ...(reason ? { reason } : {}) });
  }

  private changed(name: string): void {
    const def = this.p.store.get(name);
    this.emit('vm:changed', { name, info: def ? this.info(def) : null });
  }

  // ── reading ─────────────────────────────────────────────────────────────────────────────────────────────────────

  async hostInfo(): Promise<HostInfo> {
    const info = await probeHost(this.p.cgroups, this.p.qemuBinary);
    const key = JSON.stringify(info);
    if (this.lastHost !== null && key !== this.lastHost) this.emit('host:changed', info);
    this.lastHost = key;
    return info;
  }

  private info(def: Definition): VmInfo {
    const r = this.running.get(def.name);
    if (!r) {
      const end = this.ended.get(def.name);
      return { definition: def, state: end?.state ?? 'shutoff', ...(end ? { reason: end.reason } : {}) };
    }
    const pending = changedFields(def, r.live).filter((f) => f !== 'autostart');
    return {
      definition: def,
      state: r.state,
      pid: r.process.pid,
      ...(r.group ? { cgroups: r.group.paths() as Record<string, string> } : {}),
      ...(pending.length ? { pending } : {}),
    };
  }

  private def(name: string): Definition {
    const d = this.p.store.get(name);
    if (!d) throw noDomain(name);
    return d;
  }

  async list(): Promise<VmInfo[]> {
    return this.p.store
      .list()
      .sort((a, b) => a.name.localeCompare(b.name))
      .map((d) => this.info(d));
  }

  async broken(): Promise<BrokenDefinition[]> {
    return this.p.store.broken();
  }

  async get(name: string): Promise<VmInfo> {
    return this.info(this.def(name));
  }

  async log(name: string, lines: number): Promise<string[]> {
    this.def(name);
    return readLogTail(this.ctx.logPath(name), lines);
  }

  /**
   * A read-only QMP query of a running guest, for tests and diagnostics (not a channel: the renderer never gets a raw
   * monitor). QEMU serves one QMP client at a time, and the engine is that client.
   */
  async qmpQuery<T = unknown>(name: string, command: 'query-status' | 'query-block' | 'query-cpus-fast'): Promise<T> {
    const r = this.requireRunning(name, ['running', 'paused', 'starting'], 'query');
    return r.qmp.execute<T>(command);
  }

  /** The stages of a guest's last start, for the bench. */
  startTimings(name: string): StartTimings | null {
    return this.running.get(name)?.timings ?? null;
  }

  // ── definitions ─────────────────────────────────────────────────────────────────────────────────────────────────

  /** Checks what only this host can tell: disks on their buses, extra nodes present, CPUs that exist. */
  private checkOnHost(def: Definition): void {
    const problem = disksProblem(def.disks);
    if (problem) throw new CgvirtError('INVALID_ARG', problem);
    checkExtraDevices(def.devices.extra);
    if (def.cpu.cpuset && this.p.cgroups.detection.controllers.cpuset.usable) {
      def.cpu.cpuset = checkCpuset(def.cpu.cpuset, this.p.cgroups.availableCpus());
    }
  }

  async define(input: ParsedRequestOf<'vm:define'>): Promise<VmInfo> {
    return this.queue.run(input.name, async () => {
      if (this.p.store.get(input.name)) {
        throw new CgvirtError('OPERATION_INVALID', `guest '${input.name}' is already defined; change it with vm:update`);
      }
      if (this.p.store.hasBroken(input.name)) {
        throw new CgvirtError(
          'OPERATION_INVALID',
          `a definition file for '${input.name}' (${definitionFileName(input.name)}) exists but cannot be loaded; fix or remove it first`,
        );
      }
      const def: Definition = { ...input, uuid: input.uuid ?? randomUUID() };
      this.checkOnHost(def);
      await this.p.store.save(def);
      this.changed(def.name);
      return this.info(def);
    });
  }

  async update(input: ParsedRequestOf<'vm:update'>): Promise<ResponseOf<'vm:update'>> {
    return this.queue.run(input.name, async () => {
      const old = this.def(input.name);
      if (input.uuid && input.uuid !== old.uuid) {
        throw new CgvirtError('INVALID_ARG', `uuid cannot change: guest '${old.name}' has uuid ${old.uuid}`);
      }
      const def: Definition = { ...input, uuid: old.uuid };
      this.checkOnHost(def);
      const r = this.running.get(def.name);
      const changed = changedFields(old, def);
      const live: string[] = [];
      if (r) {
        const applicable = changed.filter((f): f is (typeof LIVE_FIELDS)[number] => (LIVE_FIELDS as readonly string[]).includes(f));
        await this.applyLive(r, { ...r.live, ...pick(def, applicable) });
        live.push(...applicable);
      }
      await this.p.store.save(def);
      this.changed(def.name);
      return { info: this.info(def), live, nextStart: changed.filter((f) => !live.includes(f)) };
    });
  }

  /**
   * Moves a running guest to `next` for the fields that can change live. On a failure part-way, what was applied is
   * put back, so the guest is never left half-changed.
   */
  private async applyLive(r: RunningGuest, next: Definition): Promise<void> {
    const g = r.group;
    const steps: { apply: () => void; undo: () => void }[] = [];
    const prev = r.live;
    if (g && !same(prev.cpu, next.cpu)) {
      if (prev.cpu.shares !== next.cpu.shares || prev.cpu.quotaUs !== next.cpu.quotaUs || prev.cpu.periodUs !== next.cpu.periodUs) {
        const set = (d: Definition) => () => {
          g.setCpuShares(d.cpu.shares ?? CPU_SHARES.default);
          g.setCpuQuota(d.cpu.quotaUs ?? null, d.cpu.periodUs ?? CPU_PERIOD_US.default);
        };
        steps.push({ apply: set(next), undo: set(prev) });
      }
      if (prev.cpu.cpuset !== next.cpu.cpuset) {
        const set = (d: Definition) => () => void g.setCpuset(d.cpu.cpuset ?? this.p.cgroups.availableCpus());
        steps.push({ apply: set(next), undo: set(prev) });
      }
    }
    if (g && prev.memoryLimitMiB !== next.memoryLimitMiB) {
      const set = (d: Definition) => () => g.setMemoryLimitMiB(d.memoryLimitMiB ?? null);
      steps.push({ apply: set(next), undo: set(prev) });
    }
    const nextAcl = r.acl && !same(prev.devices, next.devices) ? planAcl(next) : null;
    if (g && r.acl && nextAcl) {
      const from = r.acl;
      const move = (a: typeof from, b: typeof from) => () => {
        const d = diffAcl(a, b);
        for (const rule of d.allow) g.allow(rule);
        for (const rule of d.deny) g.deny(rule);
      };
      steps.push({ apply: move(from, nextAcl), undo: move(nextAcl, from) });
    }
    const done: typeof steps = [];
    try {
      for (const s of steps) {
        s.apply();
        done.push(s);
      }
    } catch (e) {
      for (const s of done.reverse()) {
        try {
          s.undo();
        } catch {
          // best effort: the original error is what the user needs
        }
      }
      throw e;
    }
    r.live = next;
    if (nextAcl) r.acl = nextAcl;
    this.recordShares(r, next.cpu.shares ?? CPU_SHARES.default);
  }

  /**
   * Keeps the last-set shares, so `get` returns exactly what was set. Only a lossy backend (v2's weight) needs it in
   * the status file for a reattached engine; on v1 cpu.shares itself is exact, and the file write (260 µs on this
   * disk) would be most of a slider step.
   */
  private recordShares(r: RunningGuest, shares: number): void {
    if (r.status.shares === shares) return;
    r.status = { ...r.status, shares };
    if (r.group && this.p.cgroups.backend('cpu').version === 2) this.p.runtime.writeStatus(r.status);
  }

  async undefine(name: string): Promise<void> {
    return this.queue.run(name, async () => {
      this.def(name);
      const r = this.running.get(name);
      if (r) throw new CgvirtError('OPERATION_INVALID', `guest '${name}' is ${r.state}; shut it down before deleting it`);
      this.p.store.remove(name);
      this.ended.delete(name);
      this.changed(name);
    });
  }

  // ── run state ───────────────────────────────────────────────────────────────────────────────────────────────────

  /** The running guest's group for a live change, or UNSUPPORTED saying why there is none. */
  private groupOf(r: RunningGuest, controller: 'cpu' | 'devices'): GuestGroup {
    this.p.cgroups.backend(controller); // UNSUPPORTED naming the controller when this host lacks it
    if (!r.group) throw new CgvirtError('UNSUPPORTED', `guest '${r.name}' does not run in a cgroup of ours, so live changes cannot apply`);
    return r.group;
  }

  private requireRunning(name: string, allowed: RunningGuest['state'][], what: string): RunningGuest {
    this.def(name);
    const r = this.running.get(name);
    const state = r?.state ?? this.ended.get(name)?.state ?? 'shutoff';
    if (!r || !allowed.includes(r.state)) {
      throw new CgvirtError('OPERATION_INVALID', `cannot ${what} guest '${name}': it is ${state}`);
    }
    return r;
  }

  async start(name: string): Promise<VmInfo> {
    return this.queue.run(name, async () => {
      const def = this.def(name);
      if (this.running.has(name)) throw new CgvirtError('OPERATION_INVALID', `guest '${name}' is already ${this.running.get(name)!.state}`);
      this.ended.delete(name);
      this.setState(name, 'starting');
      let r: RunningGuest;
      try {
        r = await startGuest(this.ctx, def);
      } catch (e) {
        this.ended.set(name, { state: 'shutoff', reason: (e as Error).message });
        this.setState(name, 'shutoff', (e as Error).message);
        throw e;
      }
      this.watch(r);
      this.setState(name, 'running');
      return this.info(def);
    });
  }

  /** Follows a running guest: QMP events into state, and its exit into cleanup. */
  private watch(r: RunningGuest): void {
    this.running.set(r.name, r);
    r.qmp.onEvent((e) => {
      if (this.running.get(r.name) !== r || r.state === 'stopping') return;
      if (e.event === 'STOP' && r.state !== 'paused') {
        r.state = 'paused';
        this.setState(r.name, 'paused');
      } else if (e.event === 'RESUME' && r.state !== 'running') {
        r.state = 'running';
        this.setState(r.name, 'running');
      } else if (e.event === 'SHUTDOWN' && e.data?.guest === true) {
        r.guestShutdown = true;
      }
    });
    r.cleanedUp = r.process.exited.then((status) => this.onExit(r, status));
  }

  private async onExit(r: RunningGuest, status: ExitStatus | null): Promise<void> {
    if (this.closed) return; // the next engine reattaches or cleans up
    const end = await describeEnd(r, status);
    const problems = await cleanUpAfterExit(this.ctx, r);
    await appendLogLine(r.logPath, `guest ${end.state}: ${end.reason}${problems.length ? `; cleanup: ${problems.join('; ')}` : ''}`).catch(() => undefined);
    this.running.delete(r.name);
    if (this.p.store.get(r.name)) this.ended.set(r.name, end);
    this.setState(r.name, end.state, end.reason);
  }

  async shutdown(name: string): Promise<VmInfo> {
    return this.queue.run(name, async () => {
      const r = this.requireRunning(name, ['running'], 'shut down');
      await r.qmp.execute('system_powerdown');
      await appendLogLine(r.logPath, 'ACPI power button pressed (shutdown requested)').catch(() => undefined);
      return this.info(this.def(name));
    });
  }

  async destroy(name: string): Promise<VmInfo> {
    return this.queue.run(name, async () => {
      const r = this.requireRunning(name, ['running', 'paused'], 'force off');
      r.expectedExit = 'destroy';
      r.state = 'stopping';
      this.setState(name, 'stopping');
      await r.process.kill('SIGTERM');
      const graceOver = Symbol('grace');
      let timer: NodeJS.Timeout | undefined;
      const first = await Promise.race([
        r.cleanedUp,
        new Promise<symbol>((resolve) => (timer = setTimeout(() => resolve(graceOver), this.p.destroyGraceMs))),
      ]);
      clearTimeout(timer);
      if (first === graceOver) await r.process.kill('SIGKILL');
      await r.cleanedUp;
      return this.info(this.def(name));
    });
  }

  async pause(name: string): Promise<VmInfo> {
    return this.queue.run(name, async () => {
      const r = this.requireRunning(name, ['running'], 'pause');
      await r.qmp.execute('stop');
      r.state = 'paused';
      this.setState(name, 'paused');
      return this.info(this.def(name));
    });
  }

  async resume(name: string): Promise<VmInfo> {
    return this.queue.run(name, async () => {
      const r = this.requireRunning(name, ['paused'], 'resume');
      await r.qmp.execute('cont');
      r.state = 'running';
      this.setState(name, 'running');
      return this.info(this.def(name));
    });
  }

  async reboot(name: string): Promise<VmInfo> {
    return this.queue.run(name, async () => {
      const r = this.requireRunning(name, ['running', 'paused'], 'reboot');
      await r.qmp.execute('system_reset');
      return this.info(this.def(name));
    });
  }

  // ── disks ───────────────────────────────────────────────────────────────────────────────────────────────────────

  async attachDisk(name: string, disk: Disk, flags: ScopeFlags): Promise<VmInfo> {
    return this.queue.run(name, async () => {
      const def = this.def(name);
      const r = this.running.get(name);
      const s = scope(flags, Boolean(r));
      if (s.live && !r) throw new CgvirtError('OPERATION_INVALID', `cannot attach a disk live to guest '${name}': it is shut off; use flags {config: true}`);
      if (s.config && def.disks.some((d) => d.path === disk.path)) {
        throw new CgvirtError('OPERATION_INVALID', `disk '${quoteName(disk.path)}' is already in the definition of '${name}'`);
      }
      const next = { ...def, disks: [...def.disks, disk] };
      if (s.config) this.checkOnHost(next);
      if (s.live) await attachDiskLive(r!, disk);
      if (s.config) await this.p.store.save(next);
      this.changed(name);
      return this.info(this.def(name));
    });
  }

  async detachDisk(name: string, path: string, flags: ScopeFlags): Promise<VmInfo> {
    return this.queue.run(name, async () => {
      const def = this.def(name);
      const r = this.running.get(name);
      const s = scope(flags, Boolean(r));
      if (s.live && !r) throw new CgvirtError('OPERATION_INVALID', `cannot detach a disk live from guest '${name}': it is shut off; use flags {config: true}`);
      if (s.config && !def.disks.some((d) => d.path === path)) {
        throw new CgvirtError('OPERATION_INVALID', `disk '${quoteName(path)}' is not in the definition of '${name}'`);
      }
      if (s.live) await detachDiskLive(r!, path);
      if (s.config) await this.p.store.save({ ...def, disks: def.disks.filter((d) => d.path !== path) });
      this.changed(name);
      return this.info(this.def(name));
    });
  }

  // ── scheduler parameters ────────────────────────────────────────────────────────────────────────────────────────

  async schedGet(name: string, flags: { live?: boolean; config?: boolean } | undefined): Promise<SchedParam[]> {
    const def = this.def(name);
    const r = this.running.get(name);
    const s = scope(flags, Boolean(r));
    if (s.config) return schedOfDefinition(def);
    if (!r) throw new CgvirtError('OPERATION_INVALID', `cannot read live parameters of guest '${name}': it is shut off`);
    if (!r.group) return schedOfDefinition(r.live);
    return schedOfGroup(r.group, r.shares);
  }

  async schedSet(name: string, params: SchedParam[], flags: ScopeFlags): Promise<SchedParam[]> {
    return this.queue.run(name, async () => {
      const def = this.def(name);
      const r = this.running.get(name);
      const s = scope(flags, Boolean(r));
      if (s.live && !r) {
        throw new CgvirtError('OPERATION_INVALID', `cannot set live parameters of guest '${name}': it is shut off; use flags {config: true}`);
      }
      if (s.live) {
        applySchedLive(this.groupOf(r!, 'cpu'), r!.live.cpu, params);
        const shares = params.find((p) => p.field === 'cpu_shares');
        r!.live = { ...r!.live, cpu: withSched(r!.live.cpu, params) };
        if (shares) this.recordShares(r!, shares.value);
      }
      if (s.config) {
        await this.p.store.save({ ...def, cpu: withSched(def.cpu, params) });
        this.changed(name);
      }
      // The values just written, not read back: a write the kernel accepted is what it holds, and a slider drag
      // should not pay three more file reads per step.
      return schedOfDefinition(s.live ? r!.live : this.def(name));
    });
  }

  // ── devices ─────────────────────────────────────────────────────────────────────────────────────────────────────

  async hostDevices(): Promise<HostDevice[]> {
    const nodes = await enumerateHostDevices();
    const plans = this.p.store.list().map((d) => ({ name: d.name, plan: planAcl(d) }));
    return nodes.map((n) => {
      const rule = { type: n.type, major: n.major, minor: n.minor, access: 'r' };
      return { ...n, usedBy: plans.filter((p) => p.plan.entries.some((e) => covers(e.rule, rule))).map((p) => p.name) };
    });
  }

  async devicesGet(name: string): Promise<AclEntry[]> {
    const def = this.def(name);
    const r = this.running.get(name);
    const live = r?.group && r.acl ? { plan: r.acl, kernel: r.group.acl() } : null;
    return describeAcl(planAcl(def), live);
  }

  async devicesSet(
    name: string,
    change: { extra?: string[] | undefined; omitDefaults?: string[] | undefined },
    flags: ScopeFlags,
  ): Promise<AclEntry[]> {
    return this.queue.run(name, async () => {
      const def = this.def(name);
      const r = this.running.get(name);
      const s = scope(flags, Boolean(r));
      if (s.live && !r) {
        throw new CgvirtError('OPERATION_INVALID', `cannot change the live device ACL of guest '${name}': it is shut off; use flags {config: true}`);
      }
      const devices = {
        extra: change.extra ?? def.devices.extra,
        omitDefaults: (change.omitDefaults ?? def.devices.omitDefaults) as Definition['devices']['omitDefaults'],
      };
      checkExtraDevices(devices.extra);
      if (s.live) {
        this.groupOf(r!, 'devices');
        if (!r!.acl) throw new CgvirtError('UNSUPPORTED', `guest '${name}' runs without a device ACL (it started when the devices controller was unavailable)`);
        await this.applyLive(r!, { ...r!.live, devices });
      }
      if (s.config) await this.p.store.save({ ...def, devices });
      this.changed(name);
      return this.devicesGet(name);
    });
  }

  // ── storage ─────────────────────────────────────────────────────────────────────────────────────────────────────

  async createImage(fileName: string, format: 'raw' | 'qcow2', sizeMiB: number): Promise<{ path: string }> {
    const path = join(this.p.configDir, 'images', fileName);
    await createImage(path, format, sizeMiB);
    return { path };
  }

  // ── shutdown of the engine (not the guests) ─────────────────────────────────────────────────────────────────────

  async close(): Promise<void> {
    if (this.closed) return;
    this.sampler.stop();
    await this.queue.idle();
    this.closed = true;
    // Guests keep running: only our connections to them end. The next engine reattaches.
    for (const r of this.running.values()) r.process.stopWatching();
    await Promise.all([...this.running.values()].map((r) => r.qmp.close().catch(() => undefined)));
    this.running.clear();
    this.p.runtime.releaseLock();
    this.events.removeAllListeners();
  }
}

function pick<T extends object, K extends keyof T>(o: T, keys: readonly K[]): Pick<T, K> {
  return Object.fromEntries(keys.map((k) => [k, o[k]])) as Pick<T, K>;
}
