// Starting QEMU: through a constant exec wrapper that joins the guest's cgroups before exec (Node cannot run code
// between fork and exec), detached into its own session so it outlives the engine, output appended to its log. Then
// waiting for its QMP socket, or its exit, whichever comes first; and stopping it.
import { spawn, type ChildProcess } from 'node:child_process';
import { constants } from 'node:fs';
import { access, stat } from 'node:fs/promises';
import { isAbsolute } from 'node:path';
import { CgvirtError } from '../../../shared';
import { openLogForRun, readLogTail } from './log';
import { isQmpError, QmpClient } from './qmp';

/**
 * `sh -c SCRIPT cgvirt-exec <cgroup.procs>... -- <qemu> <args...>`: writes its own pid into each procs file, then execs
 * QEMU with the same pid. Every path and argument is a positional parameter; none is ever part of the script text.
 */
export const EXEC_WRAPPER_SCRIPT = [
  'while [ "$#" -gt 0 ] && [ "$1" != -- ]; do',
  '  printf "%s\\n" "$$" > "$1" || { echo "cgvirt-exec: cannot move QEMU (pid $$) into cgroup via $1" >&2; exit 125; }',
  '  shift',
  'done',
  '[ "$1" = -- ] || { echo "cgvirt-exec: no -- before the QEMU command" >&2; exit 125; }',
  'shift',
  'exec "$@"',
].join('\n');
export const EXEC_WRAPPER_NAME = 'cgvirt-exec';
/** The wrapper's exit code when it could not join a group; 126/127 are the shell's for a command it cannot exec. */
export const EXIT_JOIN_FAILED = 125;

export const LAUNCH_STAGES = ['check binary', 'open log', 'spawn', 'join cgroups', 'exec QEMU', 'QMP ready'] as const;
export type LaunchStage = (typeof LAUNCH_STAGES)[number];

/** A failed start: which stage, and the last lines QEMU (or the wrapper) wrote to the log for this run. */
export class LaunchError extends CgvirtError {
  constructor(
    readonly stage: LaunchStage,
    message: string,
    readonly logTail: string[] = [],
  ) {
    super('OPERATION_FAILED', `QEMU start failed at step '${stage}': ${message}${logTail.length ? `; the log says: ${logTail.join(' | ')}` : ''}`);
  }
}

export interface ExitStatus {
  code: number | null;
  signal: NodeJS.Signals | null;
}

export const describeExit = ({ code, signal }: ExitStatus): string => (signal ? `was killed by ${signal}` : `exited with code ${String(code)}`);

export interface LaunchRequest {
  /** Absolute path of the QEMU binary (see host/qemu.ts). */
  binary: string;
  args: readonly string[];
  /** `cgroup.procs` files (absolute) QEMU joins before its first instruction; may be empty on a host without cgroups. */
  procsFiles: readonly string[];
  /** The guest's log; created if missing, appended to. */
  logPath: string;
  env?: NodeJS.ProcessEnv;
}

export interface LaunchedQemu {
  /** QEMU's pid (the wrapper execs it in place). */
  readonly pid: number;
  readonly logPath: string;
  /** Where this run's output starts in the log. */
  readonly logOffset: number;
  /** Resolves when the process has exited and been reaped. */
  readonly exited: Promise<ExitStatus>;
  /** The exit status once reaped, else null. */
  exitStatus(): ExitStatus | null;
  /** Sends a signal while the process is ours and unreaped (never to a reused pid); false when it has already exited. */
  kill(signal: NodeJS.Signals): boolean;
}

const LOG_TAIL_LINES = 8;

async function checkBinary(binary: string): Promise<void> {
  const fail = (why: string) =>
    new LaunchError('check binary', `QEMU binary '${binary}' ${why}; install the Debian package qemu-system-x86, or set CGVIRT_QEMU to QEMU's path`);
  if (!isAbsolute(binary)) throw fail('is not an absolute path');
  try {
    if (!(await stat(binary)).isFile()) throw fail('is not a file');
    await access(binary, constants.X_OK);
  } catch (e) {
    if (e instanceof LaunchError) throw e;
    const code = (e as NodeJS.ErrnoException).code;
    throw fail(code === 'ENOENT' ? 'does not exist' : code === 'EACCES' ? 'is not executable' : `cannot be used (${String(code)})`);
  }
}

/**
 * Starts QEMU (which should have `-S`, so no guest code runs before the caller has checked its cgroups). Resolves once
 * the process exists; a failure later (cgroup join, exec, QEMU's own checks) shows in `exited` and in `waitForQmp`.
 */
export async function launchQemu(req: LaunchRequest): Promise<LaunchedQemu> {
  await checkBinary(req.binary);
  for (const f of req.procsFiles) if (!isAbsolute(f)) throw new Error(`launchQemu: procs file '${f}' is not absolute`);

  let log;
  try {
    log = await openLogForRun(req.logPath, [req.binary, ...req.args]);
  } catch (e) {
    throw new LaunchError('open log', `cannot open the log ${req.logPath}: ${(e as Error).message}`);
  }
  let child: ChildProcess;
  try {
    const fd = log.handle.fd;
    child = spawn('/bin/sh', ['-c', EXEC_WRAPPER_SCRIPT, EXEC_WRAPPER_NAME, ...req.procsFiles, '--', req.binary, ...req.args], {
      // Own session: no terminal signal or engine exit reaches QEMU.
      detached: true,
      stdio: ['ignore', fd, fd],
      env: req.env ?? process.env,
    });
  } catch (e) {
    await log.handle.close();
    throw new LaunchError('spawn', `cannot start /bin/sh: ${(e as Error).message}`);
  }
  // Listen before any await: 'error' and 'exit' may come on the next turn of the event loop.
  const spawnError = new Promise<Error>((resolve) => child.once('error', resolve));
  child.on('error', () => {}); // later errors (a failed kill) are reported by kill()'s return value
  let status: ExitStatus | null = null;
  const exited = new Promise<ExitStatus>((resolve) =>
    child.once('exit', (code, signal) => {
      status = { code, signal };
      resolve(status);
    }),
  );
  // The child has its copy; the engine keeps no log fd open for a running guest.
  await log.handle.close();
  if (child.pid === undefined) throw new LaunchError('spawn', `cannot start /bin/sh: ${(await spawnError).message}`);
  const pid = child.pid;
  // The guest must not keep the engine's event loop alive; the 'exit' event is still delivered while it runs.
  child.unref();
  return {
    pid,
    logPath: req.logPath,
    logOffset: log.runOffset,
    exited,
    exitStatus: () => status,
    kill: (signal) => status === null && child.kill(signal),
  };
}

/** The error for a process that exited during start: the wrapper's exit codes name the stage. */
async function exitError(q: LaunchedQemu, st: ExitStatus, waitingFor: string): Promise<LaunchError> {
  const tail = await readLogTail(q.logPath, LOG_TAIL_LINES, { fromOffset: q.logOffset });
  if (st.code === EXIT_JOIN_FAILED) return new LaunchError('join cgroups', 'QEMU could not be placed into its cgroups', tail);
  if (st.code === 126 || st.code === 127) return new LaunchError('exec QEMU', 'the QEMU binary could not be executed', tail);
  return new LaunchError('QMP ready', `QEMU ${describeExit(st)} before ${waitingFor}`, tail);
}

const sleep = (ms: number) => new Promise<void>((r) => setTimeout(r, ms));

/**
 * Connects to QEMU's QMP socket as soon as it accepts, or fails as soon as QEMU exits, or after `timeoutMs`. The error
 * names the stage and quotes the log. Does not stop QEMU on failure: the caller owns the process (see `stopQemu`).
 */
export async function waitForQmp(q: LaunchedQemu, socketPath: string, { timeoutMs = 30_000 } = {}): Promise<QmpClient> {
  const deadline = Date.now() + timeoutMs;
  let lastProblem = 'the socket never appeared';
  const exitedFirst = q.exited.then((st) => ({ exited: st }));
  for (;;) {
    const st = q.exitStatus();
    if (st) throw await exitError(q, st, 'its QMP socket was ready');
    const left = deadline - Date.now();
    if (left <= 0) {
      const tail = await readLogTail(q.logPath, LOG_TAIL_LINES, { fromOffset: q.logOffset });
      throw new LaunchError('QMP ready', `QEMU (pid ${q.pid}) did not answer on ${socketPath} within ${timeoutMs} ms (${lastProblem})`, tail);
    }
    const attempt = QmpClient.connect(socketPath, { timeoutMs: left }).then(
      (client) => ({ client }),
      (error: unknown) => ({ error }),
    );
    const outcome = await Promise.race([attempt, exitedFirst]);
    if ('client' in outcome) return outcome.client;
    if ('exited' in outcome) {
      void attempt.then((a) => ('client' in a ? a.client.destroy() : undefined));
      throw await exitError(q, outcome.exited, 'its QMP socket was ready');
    }
    const e = outcome.error;
    // Not there yet (ENOENT), not listening yet (ECONNREFUSED), or QEMU closed it while dying: try again.
    if (!isQmpError(e) || !(e.failure === 'connect' || e.failure === 'closed' || e.failure === 'timeout')) throw e;
    lastProblem = e.message;
    await Promise.race([sleep(Math.min(20, Math.max(deadline - Date.now(), 0))), exitedFirst]);
  }
}

/** SIGTERM, then SIGKILL after `graceMs`; resolves with the reaped exit status. */
export async function stopQemu(q: LaunchedQemu, { graceMs = 5000 } = {}): Promise<ExitStatus> {
  const st = q.exitStatus();
  if (st) return st;
  q.kill('SIGTERM');
  let timer: NodeJS.Timeout | undefined;
  const graceOver = new Promise<null>((r) => (timer = setTimeout(() => r(null), graceMs)));
  const first = await Promise.race([q.exited, graceOver]);
  clearTimeout(timer);
  if (first) return first;
  q.kill('SIGKILL');
  return q.exited;
}
