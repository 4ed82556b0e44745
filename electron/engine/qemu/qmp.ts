// A small QMP client of our own: npm has no maintained, typed QMP library (the few packages there are untyped and
// abandoned), and the protocol is one JSON object per line over a unix socket. Handles the greeting and capability
// negotiation, commands with ids (several in flight) and per-command timeouts, errors carrying QEMU's `desc`, events,
// and the socket closing when QEMU exits. Owns no timer or socket once closed.
import { createConnection, type Socket } from 'node:net';
import { CgvirtError } from '../../../shared';

export const QMP_DEFAULT_TIMEOUT_MS = 10_000;
const PEER_GONE = new Set(['ECONNRESET', 'EPIPE']);

export interface QmpGreeting {
  version: { qemu: { major: number; minor: number; micro: number }; package: string };
  capabilities: string[];
}

export interface QmpEvent {
  event: string;
  data?: Record<string, unknown>;
  timestamp: { seconds: number; microseconds: number };
}

/** Why a QMP call failed: QEMU refused it, no answer in time, the connection ended, or it never started. */
export type QmpFailure = 'command' | 'timeout' | 'closed' | 'connect' | 'protocol';

/** A QMP failure; `desc` and `errorClass` are QEMU's own when it refused a command. */
export class QmpError extends CgvirtError {
  constructor(
    readonly failure: QmpFailure,
    message: string,
    readonly command?: string,
    readonly errorClass?: string,
    readonly desc?: string,
    /** The errno code of a failed connect (ENOENT, ECONNREFUSED...). */
    readonly errno?: string,
  ) {
    super('OPERATION_FAILED', message);
  }
}

export const isQmpError = (e: unknown, failure?: QmpFailure): e is QmpError => e instanceof QmpError && (failure === undefined || e.failure === failure);

interface Pending {
  command: string;
  resolve: (v: unknown) => void;
  reject: (e: Error) => void;
  timer: NodeJS.Timeout;
}

export interface QmpConnectOptions {
  /** For connecting, reading the greeting and negotiating capabilities together. */
  timeoutMs?: number;
}

export class QmpClient {
  private buffer = '';
  private nextId = 1;
  private readonly pending = new Map<number, Pending>();
  private readonly eventListeners = new Set<(e: QmpEvent) => void>();
  private readonly closeListeners = new Set<(reason: Error | null) => void>();
  private closeReason: Error | null | undefined = undefined;
  private greetingWaiter: { resolve: (g: QmpGreeting) => void; reject: (e: Error) => void } | null = null;
  greeting: QmpGreeting | null = null;

  private constructor(
    private readonly socket: Socket,
    readonly socketPath: string,
  ) {
    socket.setEncoding('utf8');
    socket.on('data', (chunk: string) => this.onData(chunk));
    // QEMU exiting resets the connection: that is a plain close, not an error of ours.
    socket.on('error', (e) => this.finish(PEER_GONE.has((e as NodeJS.ErrnoException).code ?? '') ? null : e));
    socket.on('close', () => this.finish(null));
  }

  /** Connects, reads the greeting and leaves capability negotiation mode; on any failure nothing stays open. */
  static async connect(socketPath: string, { timeoutMs = QMP_DEFAULT_TIMEOUT_MS }: QmpConnectOptions = {}): Promise<QmpClient> {
    const socket = createConnection({ path: socketPath });
    const client = new QmpClient(socket, socketPath);
    let timer: NodeJS.Timeout | undefined;
    const deadline = new Promise<never>((_, reject) => {
      timer = setTimeout(() => reject(new QmpError('timeout', `QEMU's QMP socket ${socketPath} gave no greeting within ${timeoutMs} ms`)), timeoutMs);
    });
    try {
      const greeting = new Promise<QmpGreeting>((resolve, reject) => (client.greetingWaiter = { resolve, reject }));
      client.greeting = await Promise.race([greeting, deadline]);
      await Promise.race([client.execute('qmp_capabilities', undefined, { timeoutMs }), deadline]);
      return client;
    } catch (e) {
      client.destroy();
      if (isQmpError(e)) throw e;
      const errno = (e as NodeJS.ErrnoException).code;
      throw new QmpError('connect', `cannot connect to QEMU's QMP socket ${socketPath}: ${(e as Error).message}`, undefined, undefined, undefined, errno);
    } finally {
      clearTimeout(timer);
    }
  }

  get closed(): boolean {
    return this.closeReason !== undefined;
  }

  /** Runs a QMP command; resolves with its `return` value. */
  execute<T = unknown>(command: string, args?: Record<string, unknown>, { timeoutMs = QMP_DEFAULT_TIMEOUT_MS } = {}): Promise<T> {
    if (this.closed) {
      return Promise.reject(new QmpError('closed', `cannot send '${command}': the QMP connection is closed (QEMU exited?)`, command));
    }
    const id = this.nextId++;
    return new Promise<T>((resolve, reject) => {
      const timer = setTimeout(() => {
        this.pending.delete(id);
        reject(new QmpError('timeout', `QEMU did not answer '${command}' within ${timeoutMs} ms`, command));
      }, timeoutMs);
      this.pending.set(id, { command, resolve: resolve as (v: unknown) => void, reject, timer });
      const message = args === undefined ? { execute: command, id } : { execute: command, arguments: args, id };
      this.socket.write(`${JSON.stringify(message)}\n`);
    });
  }

  /** Every event QEMU sends (SHUTDOWN, STOP, RESUME, RESET, DEVICE_DELETED, ...). Returns the unsubscribe function. */
  onEvent(listener: (e: QmpEvent) => void): () => void {
    this.eventListeners.add(listener);
    return () => this.eventListeners.delete(listener);
  }

  /** Called once when the connection ends: `null` for a plain close (QEMU exited or `close()`), else the socket error. */
  onClose(listener: (reason: Error | null) => void): () => void {
    if (this.closed) {
      queueMicrotask(() => listener(this.closeReason ?? null));
      return () => {};
    }
    this.closeListeners.add(listener);
    return () => this.closeListeners.delete(listener);
  }

  /**
   * The next event matching `predicate`. Subscribe before sending the command that causes it (QEMU may emit the event
   * before the command's answer): call this first, then `execute`, then await the promise.
   */
  waitForEvent(predicate: (e: QmpEvent) => boolean, { timeoutMs = QMP_DEFAULT_TIMEOUT_MS, what = 'matching event' } = {}): Promise<QmpEvent> {
    return new Promise<QmpEvent>((resolve, reject) => {
      const done = (fn: () => void) => {
        clearTimeout(timer);
        offEvent();
        offClose();
        fn();
      };
      const timer = setTimeout(() => done(() => reject(new QmpError('timeout', `no ${what} from QEMU within ${timeoutMs} ms`))), timeoutMs);
      const offEvent = this.onEvent((e) => {
        let match: boolean;
        try {
          match = predicate(e);
        } catch (err) {
          done(() => reject(err instanceof Error ? err : new Error(String(err))));
          return;
        }
        if (match) done(() => resolve(e));
      });
      const offClose = this.onClose(() =>
        done(() => reject(new QmpError('closed', `the QMP connection closed while waiting for ${what} (QEMU exited?)`))),
      );
    });
  }

  /** Closes the connection (QEMU keeps running); pending commands and waits fail as 'closed'. */
  async close(): Promise<void> {
    if (this.closed) return;
    const gone = new Promise<void>((resolve) => this.socket.once('close', () => resolve()));
    this.socket.end();
    const timer = setTimeout(() => this.socket.destroy(), 1000);
    await gone;
    clearTimeout(timer);
  }

  /** Drops the connection at once. */
  destroy(): void {
    this.socket.destroy();
    this.finish(null);
  }

  private onData(chunk: string): void {
    this.buffer += chunk;
    let nl: number;
    while ((nl = this.buffer.indexOf('\n')) >= 0) {
      const line = this.buffer.slice(0, nl).trim();
      this.buffer = this.buffer.slice(nl + 1);
      if (line) this.onMessage(line);
    }
    // A line longer than any QMP answer means this is not QMP; stop before memory grows without bound.
    if (this.buffer.length > 64 * 1024 * 1024) this.protocolError('an unterminated message over 64 MiB');
  }

  private onMessage(line: string): void {
    let msg: Record<string, unknown>;
    try {
      msg = JSON.parse(line) as Record<string, unknown>;
    } catch {
      this.protocolError(`a line that is not JSON: ${line.slice(0, 200)}`);
      return;
    }
    if (typeof msg !== 'object' || msg === null) return this.protocolError(`a message that is not an object: ${line.slice(0, 200)}`);
    if ('QMP' in msg) {
      const w = this.greetingWaiter;
      this.greetingWaiter = null;
      w?.resolve(msg.QMP as QmpGreeting);
      return;
    }
    if (typeof msg.event === 'string') {
      for (const l of [...this.eventListeners]) {
        try {
          l(msg as unknown as QmpEvent);
        } catch {
          // A listener's bug must not break the connection for the others.
        }
      }
      return;
    }
    // Answers to our own commands carry our numeric id; anything else (a late answer after a timeout) is dropped.
    const id = typeof msg.id === 'number' ? msg.id : undefined;
    const p = id === undefined ? undefined : this.pending.get(id);
    if (!p || id === undefined) return;
    this.pending.delete(id);
    clearTimeout(p.timer);
    if ('error' in msg) {
      const err = (msg.error ?? {}) as { class?: string; desc?: string };
      const desc = err.desc ?? 'no description';
      p.reject(new QmpError('command', `QEMU refused '${p.command}': ${desc}`, p.command, err.class, desc));
    } else p.resolve(msg.return);
  }

  private protocolError(what: string): void {
    const e = new QmpError('protocol', `QMP socket ${this.socketPath} sent ${what}`);
    this.socket.destroy();
    this.finish(e);
  }

  private finish(reason: Error | null): void {
    if (this.closed) return;
    this.closeReason = reason;
    const why = reason ? `: ${reason.message}` : ' (QEMU exited?)';
    if (this.greetingWaiter) {
      this.greetingWaiter.reject(reason ?? new QmpError('closed', `QMP socket ${this.socketPath} closed before the greeting`));
      this.greetingWaiter = null;
    }
    for (const [id, p] of this.pending) {
      clearTimeout(p.timer);
      this.pending.delete(id);
      p.reject(new QmpError('closed', `the QMP connection closed before QEMU answered '${p.command}'${why}`, p.command));
    }
    for (const l of [...this.closeListeners]) {
      try {
        l(reason);
      } catch {
        // as for event listeners
      }
    }
    this.closeListeners.clear();
  }
}
