// One running guest as the engine holds it: its QEMU process (our child, or one reattached after an engine restart),
// its QMP connection, its group, and what was applied to it live (which may differ from the stored definition).
import type { Definition, VmState } from '../../../shared';
import type { GuestGroup } from '../cgroup';
import { readProcStat } from '../qemu/proc';
import type { QmpClient } from '../qemu/qmp';
import type { ExitStatus, LaunchedQemu } from '../qemu/launch';
import type { RuntimePaths } from '../qemu/runtime-files';
import type { AclPlan } from './acl';
import type { RuntimeStatus } from './runtime';

/** How a QEMU process is watched and signalled: as our child, or by pid and start time after a reattach. */
export interface QemuProcess {
  readonly pid: number;
  readonly startTime: number;
  /** Resolves once the process is gone; the status is null when it was not our child (no exit code to reap). */
  readonly exited: Promise<ExitStatus | null>;
  /** Signals the process only while it is still the same process; false when it is gone. */
  kill(signal: NodeJS.Signals): Promise<boolean>;
  /** Stops watching (the engine is closing; the process keeps running). */
  stopWatching(): void;
}

export function childProcess(q: LaunchedQemu, startTime: number): QemuProcess {
  return { pid: q.pid, startTime, exited: q.exited, kill: async (signal) => q.kill(signal), stopWatching: () => undefined };
}

/**
 * A QEMU that is not our child (the engine restarted): no exit event reaches us, so we poll its start time, and check at
 * once when its QMP connection closes (which is what QEMU's exit looks like from here).
 */
export function reattachedProcess(pid: number, startTime: number, qmp: QmpClient, pollMs = 500): QemuProcess {
  // A zombie keeps its /proc entry (and start time) until its new parent, init, reaps it: that is gone for us.
  const same = async () => {
    const st = await readProcStat(pid);
    return st !== null && st.startTime === startTime && st.state !== 'Z';
  };
  let timer: NodeJS.Timeout | null = null;
  let offClose = () => {};
  const stopWatching = () => {
    if (timer) clearInterval(timer);
    timer = null;
    offClose();
  };
  const exited = new Promise<null>((resolve) => {
    const check = async () => {
      if (!timer || (await same())) return;
      stopWatching();
      resolve(null);
    };
    timer = setInterval(() => void check(), pollMs);
    timer.unref();
    // The socket closes a moment before the process is gone; the poll catches the rest.
    offClose = qmp.onClose(() => void check());
  });
  return {
    pid,
    startTime,
    exited,
    stopWatching,
    kill: async (signal) => {
      if (!(await same())) return false;
      try {
        process.kill(pid, signal);
        return true;
      } catch {
        return false;
      }
    },
  };
}

export type RunState = Extract<VmState, 'starting' | 'running' | 'paused' | 'stopping'>;

export interface StartTimings {
  /** ms spent in each stage of the last start. */
  stages: Record<string, number>;
  totalMs: number;
}

export class RunningGuest {
  state: RunState = 'running';
  /** Set by destroy/shutdown so the exit is reported as asked for, not as a crash. */
  expectedExit: 'destroy' | null = null;
  /** The guest asked to power off (QMP SHUTDOWN with guest: true). */
  guestShutdown = false;
  /** Resolves when the exit has been fully cleaned up (group, sockets, status file). */
  cleanedUp: Promise<void> = Promise.resolve();

  constructor(
    /** What the runtime dir's status file says of this guest (the engine keeps it current). */
    public status: RuntimeStatus,
    readonly process: QemuProcess,
    readonly qmp: QmpClient,
    readonly group: GuestGroup | null,
    /** The definition the guest runs with now: the stored one at start, then changed by live updates. */
    public live: Definition,
    /** The ACL plan applied to its group (null when the host has no devices controller). */
    public acl: AclPlan | null,
    readonly timings: StartTimings | null,
  ) {}

  get name(): string {
    return this.status.name;
  }
  get uuid(): string {
    return this.status.uuid;
  }
  get logPath(): string {
    return this.status.logPath;
  }
  /** cpu_shares last set live (for an exact read-back on v2). */
  get shares(): number | undefined {
    return this.status.shares;
  }
  get paths(): RuntimePaths {
    const { qmpSocket, pidfile, vncSocket, serialSocket } = this.status;
    return { qmpSocket, pidfile, ...(vncSocket ? { vncSocket } : {}), ...(serialSocket ? { serialSocket } : {}) };
  }
}
