// A Node client of the WebSocket protocol, for tests, the bench and the fuzz harness (the browser page has its own in
// renderer/). It speaks exactly what a page would: same token, same Origin header, same frames.
import WebSocket from 'ws';
import { frameText } from '../electron/ipc/ws-transport';
import { ByteQueue } from './rfb';
import {
  CONSOLE_PATH,
  type Channel,
  EventListeners,
  type EventName,
  type EventOf,
  isEventName,
  type RequestOf,
  type ResponseOf,
  type Result,
  resultSchema,
  unwrapResult,
} from '../shared';

export interface WsClient {
  /** The router's raw answer (for the fuzz harness, any channel and payload). */
  request(channel: unknown, payload: unknown): Promise<Result>;
  /** The page API's invoke: the value, or a rejection with an ApiError. */
  invoke<C extends Channel>(channel: C, payload: RequestOf<C>): Promise<ResponseOf<C>>;
  on<E extends EventName>(event: E, listener: (payload: EventOf<E>) => void): () => void;
  /** Resolves when the socket is closed; pending requests reject. */
  close(): Promise<void>;
  readonly socket: WebSocket;
}

export interface WsClientOptions {
  /** Default: the page URL's own origin, as a browser would send it. */
  origin?: string;
  /** Default: the page URL's token. */
  token?: string | null;
}

/** The WebSocket URL a page at `pageUrl` connects to: same host, `/ws`, the page's token. */
export function wsUrlFor(pageUrl: string, token?: string | null): string {
  const page = new URL(pageUrl);
  const ws = new URL('/ws', page);
  ws.protocol = page.protocol === 'https:' ? 'wss:' : 'ws:';
  const t = token === undefined ? page.searchParams.get('token') : token;
  if (t !== null) ws.searchParams.set('token', t);
  return ws.href;
}

/** Connects like the page at `pageUrl` (e.g. what `serve` printed); rejects with the HTTP status when refused. */
export function connectWsClient(pageUrl: string, options: WsClientOptions = {}): Promise<WsClient> {
  const socket = new WebSocket(wsUrlFor(pageUrl, options.token), { origin: options.origin ?? new URL(pageUrl).origin });
  const pending = new Map<number, { resolve: (r: Result) => void; reject: (e: Error) => void }>();
  const listeners = new EventListeners((_event, e) => {
    throw e; // a test's listener that throws fails the test
  });
  let nextId = 1;

  socket.on('message', (data) => {
    let frame: { id?: unknown; result?: unknown; event?: unknown; payload?: unknown };
    try {
      frame = JSON.parse(frameText(data));
    } catch {
      return;
    }
    if (typeof frame.id === 'number') {
      const p = pending.get(frame.id);
      pending.delete(frame.id);
      const result = resultSchema.safeParse(frame.result);
      if (p && result.success) p.resolve(result.data);
      else if (p) p.reject(new Error('server sent a malformed result'));
    } else if (isEventName(frame.event)) {
      listeners.emit(frame.event, frame.payload);
    }
  });
  const closed = new Promise<void>((done) =>
    socket.on('close', () => {
      for (const p of pending.values()) p.reject(new Error('WebSocket closed'));
      pending.clear();
      done();
    }),
  );

  const client: WsClient = {
    socket,
    request(channel, payload) {
      return new Promise((resolve, reject) => {
        if (socket.readyState !== WebSocket.OPEN) return reject(new Error('WebSocket is not open'));
        const id = nextId++;
        pending.set(id, { resolve, reject });
        socket.send(JSON.stringify({ id, channel, payload }));
      });
    },
    async invoke(channel, payload) {
      return unwrapResult(await client.request(channel, payload));
    },
    on: (event, listener) => listeners.on(event, listener),
    async close() {
      if (socket.readyState !== WebSocket.CLOSED) socket.close();
      await closed;
    },
  };

  return new Promise((resolve, reject) => {
    socket.once('open', () => resolve(client));
    socket.once('unexpected-response', (_req, res) => {
      reject(new Error(`WebSocket refused: HTTP ${res.statusCode}`));
      res.resume();
      socket.terminate();
    });
    socket.once('error', (e) => reject(e));
  });
}

/** The console WebSocket URL a page at `pageUrl` opens for `ticket` (shared/consoles.ts: CONSOLE_PATH). */
export function consoleUrlFor(pageUrl: string, ticket: string | null, token?: string | null): string {
  const page = new URL(pageUrl);
  const url = new URL(CONSOLE_PATH, page);
  url.protocol = page.protocol === 'https:' ? 'wss:' : 'ws:';
  const t = token === undefined ? page.searchParams.get('token') : token;
  if (t !== null) url.searchParams.set('token', t);
  if (ticket !== null) url.searchParams.set('ticket', ticket);
  return url.href;
}

export interface ConsoleClient {
  socket: WebSocket;
  /** Every byte the server sent, in binary frames. */
  bytes: ByteQueue;
  /** Resolves with the close frame's code and reason. */
  closed: Promise<{ code: number; reason: string }>;
  send(data: string | Uint8Array): void;
}

/** Why the server refused a console WebSocket: the HTTP status and the one line it wrote. */
export class ConsoleRefused extends Error {
  constructor(
    readonly status: number,
    readonly body: string,
  ) {
    super(`console WebSocket refused: HTTP ${status}: ${body}`);
  }
}

/** Opens a console stream like the page at `pageUrl`; rejects with ConsoleRefused when the server refuses. */
export function connectConsoleClient(
  pageUrl: string,
  ticket: string | null,
  options: WsClientOptions & { headers?: Record<string, string> } = {},
): Promise<ConsoleClient> {
  const socket = new WebSocket(consoleUrlFor(pageUrl, ticket, options.token), {
    origin: options.origin ?? new URL(pageUrl).origin,
    ...(options.headers ? { headers: options.headers } : {}),
  });
  const bytes = new ByteQueue();
  socket.on('message', (data: WebSocket.RawData, isBinary: boolean) => {
    if (isBinary) bytes.push(Buffer.isBuffer(data) ? data : Array.isArray(data) ? Buffer.concat(data) : Buffer.from(data));
  });
  const closed = new Promise<{ code: number; reason: string }>((resolve) =>
    socket.on('close', (code, reason) => {
      const r = reason.toString();
      bytes.end(`closed ${code}: ${r}`);
      resolve({ code, reason: r });
    }),
  );
  return new Promise((resolve, reject) => {
    socket.once('open', () => resolve({ socket, bytes, closed, send: (d) => socket.send(d) }));
    socket.once('unexpected-response', (_req, res) => {
      let body = '';
      res.setEncoding('utf8');
      res.on('data', (c: string) => (body += c));
      res.on('end', () => {
        reject(new ConsoleRefused(res.statusCode ?? 0, body.trim()));
        socket.terminate();
      });
    });
    socket.once('error', (e) => reject(e));
  });
}
