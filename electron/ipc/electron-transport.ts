// The router over Electron IPC, without importing Electron (main.ts passes ipcMain and the window in): one `handle`
// registration whose every message is checked to come from our window's main frame showing our own page; and the
// console streams, each over a MessagePort the page hands over with its ticket (the same sender check).
import { EVENT_NAMES, isCgvirtError, type EventName, type Result } from '../../shared';
import { CONSOLE_CHANNEL, INVOKE_CHANNEL, type ConsoleFromPage, type ConsoleToPage } from './ipc-channels';
import type { ConsoleStream, EngineApi } from '../engine/api';
import { CONSOLE_CLOSE, CONSOLE_LIMITS, tooSlow } from './console-transport';
import type { Router } from './router';

/** The parts of an IpcMainInvokeEvent the check reads. */
export interface SenderLike {
  sender: { id: number };
  senderFrame: { url: string; processId: number; routingId: number } | null;
}

/** What a message must come from: this webContents, its main frame, and the page we loaded. */
export interface TrustedPage {
  webContentsId: number;
  mainFrame: { processId: number; routingId: number };
  /** Our `file://.../dist/renderer/index.html`. */
  pageUrl: string;
}

/** Same file, whatever the fragment or query (the page may use either for its own state). */
function samePage(url: string, expected: string): boolean {
  try {
    const a = new URL(url);
    const b = new URL(expected);
    return a.protocol === 'file:' && a.protocol === b.protocol && a.host === b.host && a.pathname === b.pathname;
  } catch {
    return false;
  }
}

export function isTrustedSender(event: SenderLike, trusted: TrustedPage | null): boolean {
  const frame = event.senderFrame;
  return (
    trusted !== null &&
    frame !== null &&
    event.sender.id === trusted.webContentsId &&
    frame.processId === trusted.mainFrame.processId &&
    frame.routingId === trusted.mainFrame.routingId &&
    samePage(frame.url, trusted.pageUrl)
  );
}

export type InvokeListener = (event: SenderLike, channel: unknown, payload: unknown) => Promise<Result>;

/** The `cgvirt:invoke` handler: refuses (throws) for any sender but our page, else the router's result. */
export function createInvokeHandler(router: Router, trusted: () => TrustedPage | null): InvokeListener {
  return async (event, channel, payload) => {
    if (!isTrustedSender(event, trusted())) throw new Error('cgvirt: refused an IPC request from a frame that is not the cgvirt page');
    return router.handle(channel, payload);
  };
}

/** The part of Electron's MessagePortMain a console uses. */
export interface MainPortLike {
  postMessage(message: unknown): void;
  on(event: 'message', listener: (event: { data: unknown }) => void): unknown;
  on(event: 'close', listener: () => void): unknown;
  start(): void;
  close(): void;
}

export type ConsoleListener = (event: SenderLike & { ports: MainPortLike[] }, ticket: unknown) => void;

/**
 * Pipes a console stream to a page's port: 'open', then the guest's bytes, then 'close' with the reason. The page
 * acknowledges what it has handed on; a page that falls more than `maxBuffered` bytes behind is closed with the reason
 * (a MessagePort queues without a limit of its own, and the engine must not).
 */
export function pipeConsoleToPort(stream: ConsoleStream, port: MainPortLike, maxBuffered: number = CONSOLE_LIMITS.maxBuffered): void {
  let unacked = 0;
  let closed = false;
  const post = (m: ConsoleToPage) => port.postMessage(m);
  const end = (code: number, reason: string) => {
    if (closed) return;
    closed = true;
    post({ kind: 'close', code, reason });
    port.close();
  };
  port.on('message', ({ data }) => {
    const m = data as ConsoleFromPage | null;
    if (closed || typeof m !== 'object' || m === null) return;
    if (m.kind === 'data' && m.data instanceof Uint8Array) stream.write(m.data);
    else if (m.kind === 'ack' && typeof m.bytes === 'number') unacked = Math.max(0, unacked - m.bytes);
    else if (m.kind === 'close') {
      closed = true;
      port.close();
      stream.close();
    }
  });
  port.on('close', () => {
    closed = true;
    stream.close();
  });
  port.start();
  post({ kind: 'open' });
  stream.onClose((reason) => end(CONSOLE_CLOSE.ended, reason));
  stream.onData((chunk) => {
    if (closed) return;
    if (unacked > maxBuffered) {
      end(CONSOLE_CLOSE.limit, tooSlow(maxBuffered));
      stream.close();
      return;
    }
    unacked += chunk.byteLength;
    // A copy of exactly these bytes: a Buffer is often a view into a larger one, which would be cloned whole.
    post({ kind: 'data', data: new Uint8Array(chunk) });
  });
}

/** The `cgvirt:console` listener: our page's port and ticket → the engine's stream, piped; anything else closed. */
export function createConsoleListener(engine: Pick<EngineApi, 'openConsole'>, trusted: () => TrustedPage | null): ConsoleListener {
  return (event, ticket) => {
    const [port, ...extra] = event.ports;
    for (const p of extra) p.close();
    if (!port) return;
    if (!isTrustedSender(event, trusted())) return port.close();
    const refuse = (reason: string) => {
      port.postMessage({ kind: 'close', code: CONSOLE_CLOSE.limit, reason } satisfies ConsoleToPage);
      port.close();
    };
    if (typeof ticket !== 'string' || ticket.length > CONSOLE_LIMITS.ticketChars) return refuse('the console ticket is unknown or already used');
    engine.openConsole(ticket).then(
      (stream) => pipeConsoleToPort(stream, port),
      (e: unknown) => {
        if (!isCgvirtError(e)) console.error('cgvirt: opening a console failed:', e);
        refuse(isCgvirtError(e) ? e.message : 'internal error; the details are in the cgvirt log');
      },
    );
  };
}

/** The part of ipcMain used: one `handle` registration (requests) and one `on` (console ports), both sender-checked. */
export interface IpcMainLike {
  handle(channel: string, listener: InvokeListener): void;
  on(channel: string, listener: ConsoleListener): unknown;
}

export function registerIpc(ipcMain: IpcMainLike, router: Router, trusted: () => TrustedPage | null, engine?: Pick<EngineApi, 'openConsole'>): void {
  ipcMain.handle(INVOKE_CHANNEL, createInvokeHandler(router, trusted));
  if (engine) ipcMain.on(CONSOLE_CHANNEL, createConsoleListener(engine, trusted));
}

/** Sends every engine event to `send` (main.ts: every window's webContents); returns the unsubscribe function. */
export function forwardEvents(engine: Pick<EngineApi, 'on'>, send: (event: EventName, payload: unknown) => void): () => void {
  const offs = EVENT_NAMES.map((event) => engine.on(event, (payload) => send(event, payload)));
  return () => offs.forEach((off) => off());
}
