// A running guest's first serial port, shared by every viewer. QEMU's socket chardev serves one client at a time, so
// the engine holds that one connection for as long as the guest runs — from before `cont`, so the boot output is
// caught from its first byte, and again after an engine restart — and fans it out: every byte the guest writes goes
// into the scrollback and to every open stream (a new stream first gets the scrollback), and what any stream writes
// goes to the guest. If QEMU drops the connection while the guest runs, the hub connects again.
import { createConnection, type Socket } from 'node:net';
import { CgvirtError } from '../../../shared';
import { Scrollback } from './scrollback';
import { ConsoleStreamBase } from './stream';

/** Bytes waiting to go to a guest that does not read its serial input, before the stream that sends more is closed. */
export const SERIAL_INPUT_CAP = 1 << 20;
const RETRY_FIRST_MS = 100;
const RETRY_MAX_MS = 2000;

export class SerialHub {
  private socket: Socket | null = null;
  private readonly scrollback = new Scrollback();
  private readonly streams = new Set<SerialStream>();
  private closed = false;
  private retryTimer: NodeJS.Timeout | null = null;
  private retryMs = RETRY_FIRST_MS;
  private dropped = false;
  /** Keystrokes typed while the connection is being made (again), sent once it is there. */
  private pending: Uint8Array[] = [];
  private pendingBytes = 0;

  constructor(
    readonly guest: string,
    readonly socketPath: string,
    /** A line for the guest's log. */
    private readonly note: (line: string) => void = () => undefined,
  ) {}

  get connected(): boolean {
    return this.socket !== null;
  }

  get streamCount(): number {
    return this.streams.size;
  }

  /** Connects; on failure, keeps trying in the background and rejects with why the first attempt failed. */
  async start(): Promise<void> {
    try {
      await this.connect();
    } catch (e) {
      this.scheduleRetry();
      throw e;
    }
  }

  /** A new viewer's stream: it gets the scrollback when it starts listening, then everything new. */
  open(): SerialStream {
    if (this.closed) throw new CgvirtError('OPERATION_INVALID', `the serial console of '${this.guest}' is closed: the guest stopped`);
    const stream = new SerialStream(this);
    this.streams.add(stream);
    return stream;
  }

  /** Ends every stream with `reason` and drops the connection; the guest is untouched. */
  close(reason: string): void {
    if (this.closed) return;
    this.closed = true;
    this.pending = [];
    this.pendingBytes = 0;
    if (this.retryTimer) clearTimeout(this.retryTimer);
    this.retryTimer = null;
    this.socket?.destroy();
    this.socket = null;
    for (const s of [...this.streams]) s.end(reason);
    this.streams.clear();
  }

  /** @internal for SerialStream */
  scrollbackContents(): Buffer {
    return this.scrollback.contents();
  }

  /** @internal for SerialStream: its viewer's keystrokes (kept while the connection is being made again). */
  input(chunk: Uint8Array, from: SerialStream): void {
    if (this.closed || chunk.byteLength === 0) return;
    const s = this.socket;
    const waiting = s ? s.writableLength : this.pendingBytes;
    if (waiting + chunk.byteLength > SERIAL_INPUT_CAP) {
      from.end(`the guest does not read its serial input (over ${SERIAL_INPUT_CAP >> 20} MiB are waiting); this console was closed`);
      return;
    }
    if (s) s.write(chunk);
    else {
      // A copy: the caller may reuse its buffer before the connection is back.
      this.pending.push(Uint8Array.from(chunk));
      this.pendingBytes += chunk.byteLength;
    }
  }

  /** @internal for SerialStream */
  detach(stream: SerialStream): void {
    this.streams.delete(stream);
  }

  private connect(): Promise<void> {
    return new Promise((resolve, reject) => {
      const s = createConnection({ path: this.socketPath });
      const failed = (e: Error) => {
        s.destroy();
        reject(new CgvirtError('OPERATION_FAILED', `cannot connect to the serial port of '${this.guest}' (${this.socketPath}): ${e.message}`));
      };
      s.once('error', failed);
      s.once('connect', () => {
        s.off('error', failed);
        this.adopt(s);
        resolve();
      });
    });
  }

  private adopt(s: Socket): void {
    if (this.closed) return void s.destroy();
    this.socket = s;
    this.retryMs = RETRY_FIRST_MS;
    if (this.dropped) this.note('serial console: QEMU had dropped the connection; connected again');
    this.dropped = false;
    s.on('data', (chunk: Buffer) => {
      this.scrollback.append(chunk);
      for (const stream of [...this.streams]) stream.deliver(chunk);
    });
    s.on('error', () => undefined); // 'close' follows, and decides
    for (const chunk of this.pending.splice(0)) s.write(chunk);
    this.pendingBytes = 0;
    s.on('close', () => {
      if (this.socket !== s) return;
      this.socket = null;
      // The guest exiting closes it too; the engine closes the hub when the guest's state says so.
      this.dropped = true;
      this.scheduleRetry();
    });
  }

  private scheduleRetry(): void {
    if (this.closed || this.retryTimer) return;
    this.retryTimer = setTimeout(() => {
      this.retryTimer = null;
      this.connect().catch(() => this.scheduleRetry());
    }, this.retryMs);
    this.retryTimer.unref();
    this.retryMs = Math.min(this.retryMs * 2, RETRY_MAX_MS);
  }
}

/** One viewer of a guest's serial port. */
export class SerialStream extends ConsoleStreamBase {
  constructor(private readonly hub: SerialHub) {
    super(hub.guest, 'serial');
  }

  write(chunk: Uint8Array): void {
    if (!this.ended) this.hub.input(chunk, this);
  }

  /** @internal for SerialHub: bytes from the guest. */
  deliver(chunk: Buffer): void {
    this.emit(chunk);
  }

  protected listening(listener: (chunk: Buffer) => void): void {
    const back = this.hub.scrollbackContents();
    if (back.length > 0) listener(back);
  }

  protected release(): void {
    this.hub.detach(this);
  }
}
