// The table of guests the engine knows: each definition's run state — the running guests with their QEMU, QMP and
// group, and how each stopped one last ended — and the one place a state changes and is announced.
import { canDo, noDomain, operationInvalid, refusal, type Definition, type GuestAction, type VmInfo, type VmState } from '../../../shared';
import type { ExitStatus } from '../qemu/launch';
import { appendLogLine } from '../qemu/log';
import type { EngineEvents } from './events';
import { cleanUpAfterExit, describeEnd, type LifecycleContext } from './lifecycle';
import type { RunningGuest } from './running';
import type { DefinitionStore } from './store';
import { changedFields } from './tunables';

type Ended = { state: 'shutoff' | 'crashed'; reason: string };

/** A start under way: force off aborts it, and waits until it has torn down what it made. */
export interface StartInProgress {
  readonly signal: AbortSignal;
  /** Aborts the start; resolves once it has ended. */
  abort(): Promise<void>;
}

export class GuestTable {
  private readonly running = new Map<string, RunningGuest>();
  /** How each guest last ended (shut off, crashed, failed to start), until it starts again. */
  private readonly ended = new Map<string, Ended>();
  private readonly starts = new Map<string, { controller: AbortController; ended: Promise<void>; end: () => void }>();
  private closed = false;

  constructor(
    private readonly store: DefinitionStore,
    private readonly events: EngineEvents,
    private readonly lifecycle: LifecycleContext,
    /** Called with each guest the engine starts following (started or reattached). */
    private readonly onWatch?: (guest: RunningGuest) => void,
  ) {}

  /** The stored definition, or NO_DOMAIN. */
  def(name: string): Definition {
    const d = this.store.get(name);
    if (!d) throw noDomain(name);
    return d;
  }

  get(name: string): RunningGuest | undefined {
    return this.running.get(name);
  }

  has(name: string): boolean {
    return this.running.has(name);
  }

  all(): RunningGuest[] {
    return [...this.running.values()];
  }

  stateOf(name: string): VmState {
    return this.running.get(name)?.state ?? (this.starts.has(name) ? 'starting' : (this.ended.get(name)?.state ?? 'shutoff'));
  }

  /** The guest's running record when `action` is allowed in its state; OPERATION_INVALID naming the state otherwise. */
  require(name: string, action: GuestAction): RunningGuest {
    this.def(name);
    const r = this.running.get(name);
    const state = this.stateOf(name);
    if (!r || !canDo(action, state)) throw operationInvalid(refusal(action, name, state));
    return r;
  }

  /** Refuses `action` unless the guest's state allows it (for actions on guests that are not running). */
  check(name: string, action: GuestAction): void {
    const state = this.stateOf(name);
    if (!canDo(action, state)) throw operationInvalid(refusal(action, name, state));
  }

  info(def: Definition): VmInfo {
    const r = this.running.get(def.name);
    if (!r && this.starts.has(def.name)) return { definition: def, state: 'starting' };
    if (!r) {
      const end = this.ended.get(def.name);
      return { definition: def, state: end?.state ?? 'shutoff', ...(end ? { reason: end.reason } : {}) };
    }
    const pending = changedFields(def, r.live).filter((f) => f !== 'autostart');
    return {
      definition: def,
      state: r.state,
      pid: r.process.pid,
      ...(r.group ? { cgroups: r.group.paths() } : {}),
      ...(pending.length ? { pending } : {}),
      ...(pending.includes('disks') ? { liveDisks: r.live.disks } : {}),
    };
  }

  setState(name: string, state: VmState, reason?: string): void {
    this.events.emit('vm:state', { name, state, ...(reason ? { reason } : {}) });
  }

  /** Announces a definition added, changed or removed, so every window shows the same list. */
  changed(name: string): void {
    const def = this.store.get(name);
    this.events.emit('vm:changed', { name, info: def ? this.info(def) : null });
  }

  /** A start is under way: the last end no longer describes the guest. The signal tells the start to give up. */
  beginStart(name: string): AbortSignal {
    const controller = new AbortController();
    let end = () => {};
    const ended = new Promise<void>((resolve) => (end = resolve));
    this.starts.set(name, { controller, ended, end });
    this.ended.delete(name);
    this.setState(name, 'starting');
    return controller.signal;
  }

  /** The start is over, either way: with `reason` it failed, and the guest is shut off with that reason. */
  endStart(name: string, failure?: string): void {
    const start = this.starts.get(name);
    this.starts.delete(name);
    if (failure !== undefined) {
      this.ended.set(name, { state: 'shutoff', reason: failure });
      this.setState(name, 'shutoff', failure);
    }
    start?.end();
  }

  startInProgress(name: string): StartInProgress | undefined {
    const start = this.starts.get(name);
    if (!start) return undefined;
    return {
      signal: start.controller.signal,
      abort: async () => {
        start.controller.abort();
        await start.ended;
      },
    };
  }

  forget(name: string): void {
    this.ended.delete(name);
  }

  /** Follows a running guest: QMP events into state, and its exit into cleanup. */
  watch(r: RunningGuest): void {
    this.running.set(r.name, r);
    r.qmp.onEvent((e) => {
      if (this.running.get(r.name) !== r || r.state === 'stopping') return;
      if (e.event === 'STOP' && r.state !== 'paused') this.moveTo(r, 'paused');
      else if (e.event === 'RESUME' && r.state !== 'running') this.moveTo(r, 'running');
      else if (e.event === 'SHUTDOWN' && e.data?.guest === true) r.guestShutdown = true;
    });
    r.cleanedUp = r.process.exited.then((status) => this.onExit(r, status));
    this.onWatch?.(r);
  }

  moveTo(r: RunningGuest, state: RunningGuest['state']): void {
    r.state = state;
    this.setState(r.name, state);
  }

  private async onExit(r: RunningGuest, status: ExitStatus | null): Promise<void> {
    if (this.closed) return; // the next engine reattaches or cleans up
    const end = await describeEnd(r, status);
    const problems = await cleanUpAfterExit(this.lifecycle, r);
    await appendLogLine(r.logPath, `guest ${end.state}: ${end.reason}${problems.length ? `; cleanup: ${problems.join('; ')}` : ''}`).catch(
      () => undefined,
    );
    this.running.delete(r.name);
    if (this.store.get(r.name)) this.ended.set(r.name, end);
    this.setState(r.name, end.state, end.reason);
  }

  /** The engine closes: our connections to the guests end, the guests keep running. */
  async close(): Promise<void> {
    this.closed = true;
    for (const r of this.running.values()) r.process.stopWatching();
    await Promise.all([...this.running.values()].map((r) => r.qmp.close().catch(() => undefined)));
    this.running.clear();
  }
}
