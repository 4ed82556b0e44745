// A stand-in for a console byte stream (shared/consoles.ts ConsoleChannel) in page tests, where no engine streams a
// guest's screen or serial port: it records what the page sends and lets the test open it, push the guest's bytes and
// end it, as the engine's side of the WebSocket would. It keeps a WebSocket's rules that the page relies on: nothing
// is delivered before open, send() on a stream that is not open throws, close() is reported once, asynchronously.
import type { ConsoleChannel, ConsoleKind } from '../shared';

const CONNECTING = 0;
const OPEN = 1;
const CLOSED = 3;

export class ConsoleChannelStandIn implements ConsoleChannel {
  binaryType = 'blob';
  readonly protocol = '';
  readyState = CONNECTING;
  onopen: ConsoleChannel['onopen'] = null;
  onmessage: ConsoleChannel['onmessage'] = null;
  onclose: ConsoleChannel['onclose'] = null;
  onerror: ConsoleChannel['onerror'] = null;
  /** Every send() of the page, as bytes (strings as UTF-8). */
  readonly sent: Uint8Array[] = [];
  /** The page called close(). */
  closedByPage = false;

  constructor(
    readonly ticket: string,
    /** The guest and kind the ticket was for. */
    readonly name: string,
    readonly kind: ConsoleKind,
  ) {}

  send(data: ArrayBuffer | Uint8Array | string): void {
    if (this.readyState !== OPEN) throw new Error(`send() on a console stream that is ${this.readyState === CLOSED ? 'closed' : 'not open yet'}`);
    const bytes = typeof data === 'string' ? new TextEncoder().encode(data) : data instanceof Uint8Array ? data.slice() : new Uint8Array(data.slice(0));
    this.sent.push(bytes);
  }

  close(): void {
    if (this.readyState === CLOSED) return;
    this.closedByPage = true;
    this.readyState = CLOSED;
    queueMicrotask(() => this.onclose?.({ code: 1005, reason: '' }));
  }

  // ---- the engine's side ----

  /** The server accepted the ticket. */
  open(): void {
    if (this.readyState !== CONNECTING) throw new Error('the console stream is not connecting');
    this.readyState = OPEN;
    this.onopen?.({});
  }

  /** Bytes from the guest, as one binary message (strings as UTF-8). */
  push(data: Uint8Array | string): void {
    if (this.readyState !== OPEN) throw new Error('push() on a console stream that is not open');
    const bytes = typeof data === 'string' ? new TextEncoder().encode(data) : data;
    const copy = new Uint8Array(bytes.byteLength);
    copy.set(bytes);
    this.onmessage?.({ data: copy.buffer });
  }

  /** The engine ends the stream (the guest stopped, or the ticket was refused). */
  end(code = 1000, reason = 'the guest stopped'): void {
    if (this.readyState === CLOSED) return;
    this.readyState = CLOSED;
    this.onclose?.({ code, reason });
  }

  /** Everything the page sent, decoded as UTF-8. */
  sentText(): string {
    const decoder = new TextDecoder();
    return this.sent.map((b) => decoder.decode(b)).join('');
  }
}
