// The router over a WebSocket, for `serve` and its browser page. Whoever connects must show the random token (in the
// `?token=` query) and come from the page's own origin: the socket can do everything the UI can, so a foreign page that
// guesses the port must not. Frames: client `{id, channel, payload}`; server `{id, result}` and `{event, payload}`.
import { createHash, timingSafeEqual } from 'node:crypto';
import type { IncomingMessage, Server } from 'node:http';
import type { Duplex } from 'node:stream';
import { type RawData, WebSocket, WebSocketServer } from 'ws';
import { EVENT_NAMES, type EventName, formatIssues, parseOptionsFor, type Result, type WsServerFrame, wsRequestSchema } from '../../shared';
import type { EngineApi } from '../engine/api';

import type { Router } from './router';

export interface WsTransportOptions {
  server: Server;
  router: Router;
  /** Where events come from: every engine event goes to every connected socket. */
  engine: Pick<EngineApi, 'on'>;
  token: string;
  /** Page origins allowed to connect, compared exactly (`http://127.0.0.1:8080`). */
  origins: readonly string[];
  /** Host headers answered (`127.0.0.1:8080`), as for the server's pages; absent: any. */
  hosts?: readonly string[];
  path?: string;
  /** Paths another transport on the same server upgrades (the consoles'): left to it instead of refused with 404. */
  otherPaths?: readonly string[];
  /** Largest frame a client may send, bytes; a bigger one closes that socket (1009), nothing else. */
  maxPayload?: number;
  /** Requests one socket may have unanswered at once. */
  maxInFlight?: number;
  /** Bytes queued to a socket that does not read before it is dropped (it can reconnect: state is in the engine). */
  maxBuffered?: number;
  log?: (line: string) => void;
}

export interface WsTransport {
  readonly clientCount: number;
  /** Stops accepting, closes every socket and unsubscribes from the engine; the http server stays up. */
  close(): Promise<void>;
}

export const WS_PATH = '/ws';
export const WS_LIMITS = { maxPayload: 4 << 20, maxInFlight: 256, maxBuffered: 16 << 20, statsBuffered: 1 << 20 } as const;

/** A frame's text, however ws hands the bytes over (one buffer, fragments, or an ArrayBuffer). */
export function frameText(data: RawData): string {
  if (Buffer.isBuffer(data)) return data.toString('utf8');
  return (Array.isArray(data) ? Buffer.concat(data) : Buffer.from(data)).toString('utf8');
}

/** Constant-time comparison, also for a guess of a different length (hashing first makes the lengths equal). */
export function tokenMatches(given: string | null | undefined, token: string): boolean {
  if (typeof given !== 'string' || token.length === 0) return false;
  const a = createHash('sha256').update(given).digest();
  const b = createHash('sha256').update(token).digest();
  return timingSafeEqual(a, b);
}

const STATUS_TEXT: Record<number, string> = {
  400: 'Bad Request',
  401: 'Unauthorized',
  403: 'Forbidden',
  404: 'Not Found',
  421: 'Misdirected Request',
  500: 'Internal Server Error',
  503: 'Service Unavailable',
};

/** Answers an upgrade request with a plain HTTP error, before any WebSocket exists; `why` is one line. */
export function refuseUpgrade(socket: Duplex, status: number, why: string): void {
  if (socket.destroyed) return;
  const body = `${why.replace(/\s+/g, ' ')}\n`;
  socket.end(
    `HTTP/1.1 ${status} ${STATUS_TEXT[status]}\r\nConnection: close\r\nContent-Type: text/plain; charset=utf-8\r\n` +
      `Content-Length: ${Buffer.byteLength(body)}\r\n\r\n${body}`,
  );
}

/** JSON text of a frame; a value JSON cannot carry (a BigInt from a bug) becomes an INTERNAL reply instead of a throw. */
function encode(frame: WsServerFrame): string {
  try {
    return JSON.stringify(frame);
  } catch {
    if ('id' in frame) {
      const result: Result = { ok: false, error: { code: 'INTERNAL', message: 'the answer could not be encoded' } };
      return JSON.stringify({ id: frame.id, result });
    }
    return '';
  }
}

/** Who may upgrade, the same for every WebSocket of the server: the token, the page's origin, a Host we serve. */
export interface UpgradeGate {
  token: string;
  origins: ReadonlySet<string>;
  /** Absent: any Host header. */
  hosts?: ReadonlySet<string> | undefined;
}

export function upgradeGate(options: { token: string; origins: readonly string[]; hosts?: readonly string[] | undefined }): UpgradeGate {
  return {
    token: options.token,
    origins: new Set(options.origins),
    hosts: options.hosts ? new Set(options.hosts.map((h) => h.toLowerCase())) : undefined,
  };
}

/** The request's URL, or null when it cannot be parsed. */
export function upgradeUrl(req: IncomingMessage): URL | null {
  try {
    return new URL(req.url ?? '/', 'http://cgvirt.invalid');
  } catch {
    return null;
  }
}

/** Why an upgrade request may not pass the gate (HTTP status and one line), or null when it may. */
export function gateRefusal(req: IncomingMessage, url: URL, gate: UpgradeGate): { status: number; why: string } | null {
  if (!tokenMatches(url.searchParams.get('token'), gate.token)) return { status: 401, why: 'missing or wrong token: open the URL cgvirt printed' };
  if (!gate.origins.has(req.headers.origin ?? '')) return { status: 403, why: 'this page origin may not connect' };
  // As for the pages: a name that only resolves here (DNS rebinding) is not one we serve.
  if (gate.hosts && !gate.hosts.has((req.headers.host ?? '').toLowerCase())) {
    return { status: 421, why: 'unknown host name: open the URL cgvirt printed, or start it with --origin for this name' };
  }
  return null;
}

export function attachWsTransport(options: WsTransportOptions): WsTransport {
  const path = options.path ?? WS_PATH;
  const maxInFlight = options.maxInFlight ?? WS_LIMITS.maxInFlight;
  const maxBuffered = options.maxBuffered ?? WS_LIMITS.maxBuffered;
  const log = options.log ?? ((line: string) => console.error(line));
  const gate = upgradeGate(options);
  const otherPaths = new Set(options.otherPaths ?? []);
  const wss = new WebSocketServer({ noServer: true, maxPayload: options.maxPayload ?? WS_LIMITS.maxPayload });

  const onUpgrade = (req: IncomingMessage, socket: Duplex, head: Buffer) => {
    const url = upgradeUrl(req);
    if (url && otherPaths.has(url.pathname)) return; // another transport's
    socket.on('error', () => socket.destroy());
    if (!url) return refuseUpgrade(socket, 400, 'bad request URL');
    if (url.pathname !== path) return refuseUpgrade(socket, 404, 'no WebSocket here');
    const refusal = gateRefusal(req, url, gate);
    if (refusal) return refuseUpgrade(socket, refusal.status, refusal.why);
    wss.handleUpgrade(req, socket, head, (ws) => wss.emit('connection', ws, req));
  };
  options.server.on('upgrade', onUpgrade);

  const send = (ws: WebSocket, text: string) => {
    if (ws.readyState !== WebSocket.OPEN || text === '') return;
    // A client that stopped reading would make us queue without bound; drop it, it can reconnect and reload state.
    if (ws.bufferedAmount > maxBuffered) return void ws.terminate();
    ws.send(text);
  };

  wss.on('connection', (ws) => {
    let inFlight = 0;
    ws.on('error', (e) => log(`cgvirt: WebSocket client error: ${e.message}`));
    ws.on('message', (data: RawData, isBinary: boolean) => {
      if (isBinary) return; // the protocol is JSON text; a binary frame carries no id to answer
      let raw: unknown;
      try {
        raw = JSON.parse(frameText(data));
      } catch {
        return; // not JSON: no id to answer
      }
      // JSON has no `undefined`: a request for a channel without fields may arrive without `payload`.
      if (typeof raw === 'object' && raw !== null && !Array.isArray(raw) && !Object.hasOwn(raw, 'payload')) {
        raw = { ...raw, payload: undefined };
      }
      const frame = wsRequestSchema.safeParse(raw, parseOptionsFor(wsRequestSchema));
      if (!frame.success) {
        const id = (raw as { id?: unknown } | null)?.id;
        if (typeof id === 'number' && Number.isSafeInteger(id) && id >= 0) {
          const message = `malformed request frame: ${formatIssues(frame.error.issues, 'frame')}`;
          send(ws, encode({ id, result: { ok: false, error: { code: 'INVALID_ARG', message } } }));
        }
        return;
      }
      const { id, channel, payload } = frame.data;
      if (inFlight >= maxInFlight) {
        const message = `too many requests in flight (${maxInFlight}); wait for replies before sending more`;
        return send(ws, encode({ id, result: { ok: false, error: { code: 'OPERATION_FAILED', message } } }));
      }
      inFlight++;
      void options.router
        .handle(channel, payload)
        .catch((): Result => ({ ok: false, error: { code: 'INTERNAL', message: 'internal error; the details are in the cgvirt log' } }))
        .then((result) => {
          inFlight--;
          send(ws, encode({ id, result }));
        });
    });
  });

  // One subscription per event for the whole transport: each event is encoded once and sent to every socket.
  const broadcast = (event: EventName, payload: unknown) => {
    const text = encode({ event, payload });
    for (const ws of wss.clients) {
      // A stats tick is only worth sending to a socket that keeps up; state events always go.
      if (event === 'stats:tick' && ws.bufferedAmount > WS_LIMITS.statsBuffered) continue;
      send(ws, text);
    }
  };
  const unsubscribe = EVENT_NAMES.map((event) => options.engine.on(event, (payload) => broadcast(event, payload)));

  return {
    get clientCount() {
      return wss.clients.size;
    },
    async close() {
      options.server.off('upgrade', onUpgrade);
      for (const off of unsubscribe) off();
      for (const ws of wss.clients) ws.terminate();
      await new Promise<void>((done) => wss.close(() => done()));
    },
  };
}
