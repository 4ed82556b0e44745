// Starting a guest so it runs confined from its first instruction, and cleaning up after it whatever way it exits.
//
// Start: group created (a stale one removed) and configured → a tap per bridged NIC, joined to its bridge → QEMU
// launched with -S through the exec wrapper, which joins the group before exec → QMP ready → placement checked in
// /proc/<pid>/cgroup → status file (naming the taps) → `cont`. The group is configured before QEMU exists (not after
// QMP, as the issue sketches): then even QEMU's own start-up opens are under the ACL and the limits; the placement
// check after QMP still proves the guest is confined before `cont`.
// Any failure tears down everything made so far, in reverse, and the error names the step.
import { CgvirtError, CPU_SHARES, isCgvirtError, type Definition } from '../../../shared';
import type { CgroupHierarchy, GuestGroup } from '../cgroup';
import { accelFor } from '../host/kvm';
import { addTap, attachTap, bridgeProblem, deleteTap, listBridges, probeBridging, tapName } from '../host/network';
import { checkForwardPorts } from '../host/ports';
import { requireQemu } from '../host/qemu';
import { buildArgv } from '../qemu/argv';
import { blockDevicePaths, disksProblem } from '../qemu/disk';
import { ideProblem } from '../qemu/hardware';
import { describeExit, launchQemu, stopQemu, waitForQmp, type ExitStatus } from '../qemu/launch';
import { appendLogLine, readLogTail } from '../qemu/log';
import { readProcStartTime } from '../qemu/proc';
import type { QmpClient } from '../qemu/qmp';
import { removeRuntimeFiles, type RuntimePaths } from '../qemu/runtime-files';
import type { AclPlan } from './acl';
import { childProcess, RunningGuest, type StartTimings } from './running';
import type { RuntimeDir, RuntimeStatus } from './runtime';
import { configureTunables, type TuneTarget, type Tunable } from './tunables';

/** The guest as `beforeCont` sees it: placed, its QMP connected, not one instruction run yet. */
export interface BeforeCont {
  name: string;
  pid: number;
  group: GuestGroup | null;
  qmp: QmpClient;
  paths: RuntimePaths;
}

export interface LifecycleContext {
  cgroups: CgroupHierarchy;
  runtime: RuntimeDir;
  qemuBinary?: string | undefined;
  logPath(name: string): string;
  /**
   * Runs with QEMU placed and stopped by -S, just before `cont`: the engine connects the guest's serial console here
   * (so no boot output is lost), tests assert confinement, the bench times it.
   */
  beforeCont?: ((guest: BeforeCont) => Promise<void> | void) | undefined;
}

/** A step's failure, named: "start of 'web' failed at step 'configure cgroup': ...". Codes are kept. */
function stepError(name: string, step: string, e: unknown): CgvirtError {
  const message = (e as Error).message;
  // QEMU launch errors already name their step ("QEMU start failed at step 'QMP ready': ...").
  const text = message.startsWith('QEMU start failed') ? message : `at step '${step}': ${message}`;
  return new CgvirtError(isCgvirtError(e) ? e.code : 'OPERATION_FAILED', `start of '${name}' failed ${text}`);
}

/**
 * Writes the definition's tuning into the group through the table of tunables. A controller this host lacks is
 * skipped, not an error ("not supported → claim success"); the log says so. Returns the ACL plan applied (null when
 * the host has no devices controller).
 */
function configureGroup(cgroups: CgroupHierarchy, group: GuestGroup, def: Definition, note: (line: string) => void): AclPlan | null {
  const noted = new Set<string>();
  const usable = (c: Tunable['controller']) => {
    const ctl = cgroups.detection.controllers[c];
    if (!ctl.usable && !noted.has(c)) note(`${c} controller unavailable (${ctl.reason ?? 'unknown'}): its settings are not applied`);
    noted.add(c);
    return ctl.usable;
  };
  const target: TuneTarget = { group, acl: null };
  configureTunables(target, def, usable, () => cgroups.availableCpus());
  for (const s of target.acl?.skipped ?? []) note(`device ${s.path} not allowed: ${s.note}`);
  return target.acl;
}

/**
 * Makes the tap of each bridged NIC and joins it to its bridge, pushing each tap's deletion onto `undo` as soon as the
 * tap exists, so a failure at any later point (the next NIC's bridge gone, QEMU refusing) deletes it again. The
 * bridge is checked again here: it may have gone since the definition was saved. Returns the taps made.
 */
async function createTaps(def: Definition, undo: (() => unknown)[], note: (line: string) => void): Promise<string[]> {
  const taps: string[] = [];
  const probe = probeBridging();
  for (const [i, nic] of def.nics.entries()) {
    if (nic.bridge === undefined) continue;
    const problem = bridgeProblem(`nics[${i}].bridge`, nic.bridge, probe, listBridges());
    if (problem) throw new CgvirtError('INVALID_ARG', problem);
    const tap = tapName(def.uuid, i);
    await addTap(tap, `nics[${i}]`, note);
    undo.push(() => deleteTap(tap));
    taps.push(tap);
    await attachTap(tap, nic.bridge);
  }
  return taps;
}

/** Deletes a run's taps; what could not be deleted comes back in words. */
export async function deleteTaps(taps: readonly string[]): Promise<string[]> {
  const problems: string[] = [];
  for (const tap of taps) await deleteTap(tap).catch((e: Error) => problems.push(e.message));
  return problems;
}

/**
 * Starts `def` confined from its first instruction. `signal` aborts the start at the next step, or at once once QEMU
 * exists (it is killed, which ends whatever step waits on it); everything made so far is undone either way.
 */
export async function startGuest(ctx: LifecycleContext, def: Definition, signal?: AbortSignal): Promise<RunningGuest> {
  const logPath = ctx.logPath(def.name);
  const note = (line: string) => void appendLogLine(logPath, line).catch(() => undefined);
  const undo: (() => unknown)[] = [];
  const stages: Record<string, number> = {};
  const t0 = performance.now();
  let mark = t0;
  const step = async <T>(name: string, fn: () => Promise<T> | T): Promise<T> => {
    try {
      if (signal?.aborted) throw new CgvirtError('OPERATION_FAILED', 'the start was aborted');
      return await fn();
    } catch (e) {
      throw stepError(def.name, name, e);
    } finally {
      const now = performance.now();
      stages[name] = now - mark;
      mark = now;
    }
  };

  try {
    const qemu = await step('find QEMU', () => requireQemu({ binary: ctx.qemuBinary }));
    await step('check disks', () => {
      const problem = disksProblem(def.disks) ?? ideProblem(def);
      if (problem) throw new CgvirtError('INVALID_ARG', problem);
    });
    const accel = await step('choose accelerator', () => accelFor(def.name, def.accel));
    await step('check ports', () => checkForwardPorts(def));
    const paths = ctx.runtime.paths(def.uuid, def.vnc);
    await removeRuntimeFiles(paths); // leftovers of a run that ended while no engine watched
    undo.push(() => removeRuntimeFiles(paths));

    let group: GuestGroup | null = null;
    let acl: AclPlan | null = null;
    if (ctx.cgroups.detection.writable) {
      group = await step('create cgroup', () => ctx.cgroups.createGuest(def.name));
      const g = group;
      undo.push(() => g.remove({ kill: true, graceMs: 0 }));
      acl = await step('configure cgroup', () => configureGroup(ctx.cgroups, g, def, note));
    } else {
      note(`no writable cgroups on this host (mode ${ctx.cgroups.detection.mode}): the guest runs without a group`);
    }

    const taps = await step('create taps', () => createTaps(def, undo, note));

    const blockDevices = await blockDevicePaths(def.disks);
    const args = buildArgv({ definition: def, accel, paths, blockDevices });
    const q = await step('spawn', () => launchQemu({ binary: qemu.path, args, procsFiles: group?.procsFiles() ?? [], logPath }));
    undo.push(() => stopQemu(q, { graceMs: 0 }));
    // SIGKILL also ends a stopped process (SIGSTOP, a debugger): a hung QEMU cannot outlast a force off.
    const killOnAbort = () => void q.kill('SIGKILL');
    signal?.addEventListener('abort', killOnAbort, { once: true });
    undo.push(() => signal?.removeEventListener('abort', killOnAbort));
    const qmp: QmpClient = await step('QMP ready', () => waitForQmp(q, paths.qmpSocket));
    undo.push(() => qmp.destroy());

    await step('verify placement', async () => {
      const misplaced = group?.misplacedControllers(q.pid) ?? [];
      if (misplaced.length) {
        throw new CgvirtError('OPERATION_FAILED', `QEMU (pid ${q.pid}) is not in ${group!.path} for ${misplaced.join(', ')}`);
      }
      const status = await qmp.execute<{ status: string }>('query-status');
      if (status.status !== 'prelaunch') throw new CgvirtError('OPERATION_FAILED', `QEMU is '${status.status}', expected 'prelaunch' (-S)`);
    });
    const startTime = await readProcStartTime(q.pid);
    if (startTime === null) throw stepError(def.name, 'verify placement', new Error(`QEMU (pid ${q.pid}) exited`));
    const status: RuntimeStatus = {
      name: def.name,
      uuid: def.uuid,
      pid: q.pid,
      startTime,
      ...paths,
      logPath,
      startedAt: new Date().toISOString(),
      shares: def.cpu.shares ?? CPU_SHARES.default,
      ...(taps.length ? { taps } : {}),
    };
    await step('record status', () => ctx.runtime.writeStatus(status));
    undo.push(() => ctx.runtime.removeStatus(def.uuid));
    if (ctx.beforeCont) await ctx.beforeCont({ name: def.name, pid: q.pid, group, qmp, paths });
    await step('cont', () => qmp.execute('cont'));
    signal?.removeEventListener('abort', killOnAbort);
    if (signal?.aborted) throw new CgvirtError('OPERATION_FAILED', `start of '${def.name}' was aborted`);
    const timings: StartTimings = { stages, totalMs: performance.now() - t0 };
    return new RunningGuest(status, childProcess(q, startTime), qmp, group, def, acl, timings);
  } catch (e) {
    for (const u of undo.reverse()) {
      try {
        await u();
      } catch (cleanupError) {
        note(`cleanup after a failed start: ${(cleanupError as Error).message}`);
      }
    }
    await appendLogLine(logPath, (e as Error).message).catch(() => undefined);
    throw e;
  }
}

/** How a guest ended, as the user should read it. */
export async function describeEnd(guest: RunningGuest, status: ExitStatus | null): Promise<{ state: 'shutoff' | 'crashed'; reason: string }> {
  if (guest.expectedExit === 'destroy') return { state: 'shutoff', reason: 'forced off' };
  if (guest.guestShutdown) return { state: 'shutoff', reason: 'shut down by the guest' };
  if (status && status.code === 0 && status.signal === null) return { state: 'shutoff', reason: 'QEMU exited' };
  const tail = (await readLogTail(guest.logPath, 3).catch(() => [])).join(' | ');
  const how = status ? `QEMU ${describeExit(status)}` : 'QEMU exited while cgvirt was not its parent (no exit status)';
  return { state: 'crashed', reason: tail ? `${how}; the log ends: ${tail}` : how };
}

/** Removes everything a run left: QMP connection, group, taps, sockets, pidfile, status file. */
export async function cleanUpAfterExit(ctx: LifecycleContext, guest: RunningGuest): Promise<string[]> {
  const problems: string[] = [];
  guest.qmp.destroy();
  if (guest.group) {
    try {
      await guest.group.remove({ kill: true, graceMs: 1000 });
    } catch (e) {
      problems.push((e as Error).message);
    }
  }
  // After the group: its removal kills what might still hold a tap. The status file names the run's taps.
  problems.push(...(await deleteTaps(guest.status.taps ?? [])));
  await removeRuntimeFiles(guest.paths).catch((e: Error) => problems.push(e.message));
  ctx.runtime.removeStatus(guest.uuid);
  return problems;
}
