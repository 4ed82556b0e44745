// The page API over the `serve` WebSocket: requests `{id, channel, payload}`, replies `{id, result}`, pushed events
// `{event, payload}`. It reconnects with backoff; a call never hangs on a dead socket, it fails saying so. A console
// stream is a WebSocket of its own (binary frames) on the same host, opened with a ticket (shared/consoles.ts).
import {
  ApiError,
  EventListeners,
  isEventName,
  resultSchema,
  toApiError,
  unwrapResult,
  type CgvirtApi,
  type Channel,
  type ConsoleChannel,
  type RequestOf,
  type ResponseOf,
} from '../../shared';
import { consoleUrlFor } from './token';

export type ConnectionState = 'connecting' | 'open' | 'closed';

export interface ConnectionStatus {
  state: ConnectionState;
  /** Failed attempts since the socket was last open. */
  failures: number;
  /** How many times the socket has opened; above 1 means state must be fetched again. */
  opens: number;
  /** When the next attempt starts (ms since epoch), while closed and retrying. */
  retryAt?: number;
  /** Why the last connection ended, in words a user can act on. */
  lastError?: string;
}

export interface ConnectionHandle {
  status(): ConnectionStatus;
  /** Called on every status change. Returns the unsubscribe function. */
  onStatus(listener: (status: ConnectionStatus) => void): () => void;
  /** Tries again now instead of waiting out the backoff. */
  retryNow(): void;
}

export interface WsApi extends CgvirtApi, ConnectionHandle {
  /** Closes for good: no reconnect, pending calls fail. */
  close(): void;
}

export interface WsApiOptions {
  /** The WebSocket constructor (the browser's by default). */
  WebSocket?: new (url: string) => WebSocket;
  /** Delay before attempt number `failures` (1, 2, ...). */
  backoffMs?: (failures: number) => number;
}

/** 250 ms doubling to 10 s, with jitter so many tabs do not knock in step. */
export const defaultBackoffMs = (failures: number) => Math.min(10_000, 250 * 2 ** Math.max(0, failures - 1)) * (0.8 + Math.random() * 0.4);

interface Pending {
  channel: string;
  frame: string;
  sent: boolean;
  resolve: (value: unknown) => void;
  reject: (error: ApiError) => void;
}

const lost = (channel: string) =>
  new ApiError(
    'OPERATION_FAILED',
    `lost the connection to the cgvirt engine before it answered '${channel}'; it may or may not have been done (reconnecting)`,
  );
const notSent = (channel: string, why: string) => new ApiError('OPERATION_FAILED', `${why}; '${channel}' was not sent (reconnecting)`);

export function createWsApi(url: string, options: WsApiOptions = {}): WsApi {
  const Ws = options.WebSocket ?? globalThis.WebSocket;
  const backoffMs = options.backoffMs ?? defaultBackoffMs;
  const pending = new Map<number, Pending>();
  const listeners = new EventListeners((event, e) => console.error(`cgvirt: a '${event}' listener failed`, e));
  const statusListeners = new Set<(s: ConnectionStatus) => void>();
  let status: ConnectionStatus = { state: 'connecting', failures: 0, opens: 0 };
  let socket: WebSocket | null = null;
  let retryTimer: ReturnType<typeof setTimeout> | null = null;
  let nextId = 1;
  let closedForGood = false;

  const setStatus = (next: ConnectionStatus) => {
    status = next;
    for (const l of [...statusListeners]) {
      try {
        l(status);
      } catch (e) {
        console.error('cgvirt: a connection status listener failed', e);
      }
    }
  };

  const failAll = (why: (p: Pending) => ApiError) => {
    const all = [...pending.values()];
    pending.clear();
    for (const p of all) p.reject(why(p));
  };

  const onMessage = (data: unknown) => {
    let frame: unknown;
    try {
      frame = JSON.parse(typeof data === 'string' ? data : String(data));
    } catch {
      console.error('cgvirt: ignored a frame that is not JSON');
      return;
    }
    if (typeof frame !== 'object' || frame === null) return;
    const f = frame as { id?: unknown; result?: unknown; event?: unknown; payload?: unknown };
    if (typeof f.id === 'number') {
      const p = pending.get(f.id);
      if (!p) return;
      pending.delete(f.id);
      const result = resultSchema.safeParse(f.result);
      if (!result.success) {
        p.reject(new ApiError('INTERNAL', `the engine sent a malformed reply to '${p.channel}'`));
        return;
      }
      try {
        p.resolve(unwrapResult(result.data));
      } catch (e) {
        p.reject(toApiError(e));
      }
    } else if (isEventName(f.event)) {
      listeners.emit(f.event, f.payload);
    }
  };

  const connect = () => {
    retryTimer = null;
    setStatus({ ...status, state: 'connecting', retryAt: undefined });
    let ws: WebSocket;
    try {
      ws = new Ws(url);
    } catch (e) {
      // A malformed URL throws synchronously; retrying cannot help, but say why.
      onClosed(`cannot open ${url}: ${e instanceof Error ? e.message : String(e)}`);
      return;
    }
    socket = ws;
    ws.onopen = () => {
      if (socket !== ws) return;
      setStatus({ state: 'open', failures: 0, opens: status.opens + 1 });
      for (const p of pending.values()) {
        if (!p.sent) {
          ws.send(p.frame);
          p.sent = true;
        }
      }
    };
    // The close event that follows says what happened; without a handler some WebSocket implementations throw.
    ws.onerror = () => {};
    ws.onmessage = (ev) => {
      if (socket === ws) onMessage(ev.data);
    };
    ws.onclose = (ev) => {
      if (socket !== ws) return;
      const wasOpen = status.state === 'open';
      const reason = ev.reason ? `: ${ev.reason}` : '';
      onClosed(
        wasOpen
          ? `the connection to the engine closed (code ${ev.code}${reason})`
          : `could not connect to the engine (code ${ev.code}${reason}); is \`npm run serve\` running, and was this page opened from the URL it printed?`,
      );
    };
  };

  const onClosed = (why: string) => {
    socket = null;
    failAll((p) => (p.sent ? lost(p.channel) : notSent(p.channel, 'could not connect to the cgvirt engine')));
    const failures = status.state === 'open' ? 1 : status.failures + 1;
    const delay = backoffMs(failures);
    setStatus({ state: 'closed', failures, opens: status.opens, retryAt: Date.now() + delay, lastError: why });
    retryTimer = setTimeout(connect, delay);
  };

  const api: WsApi = {
    invoke<C extends Channel>(channel: C, payload: RequestOf<C>): Promise<ResponseOf<C>> {
      return new Promise<ResponseOf<C>>((resolve, reject) => {
        if (closedForGood) {
          reject(new ApiError('OPERATION_FAILED', `the connection to the cgvirt engine is closed; '${channel}' was not sent`));
          return;
        }
        if (status.state === 'closed') {
          reject(notSent(channel, 'not connected to the cgvirt engine'));
          return;
        }
        const id = nextId++;
        const p: Pending = {
          channel,
          frame: JSON.stringify({ id, channel, payload }),
          sent: false,
          resolve: resolve as (v: unknown) => void,
          reject,
        };
        pending.set(id, p);
        if (status.state === 'open' && socket) {
          socket.send(p.frame);
          p.sent = true;
        }
      });
    },
    on: (event, listener) => listeners.on(event, listener),
    openConsole(ticket) {
      // Not tied to the request socket: a console keeps streaming while /ws reconnects, and ends when its guest stops.
      const ws = new Ws(consoleUrlFor(url, ticket));
      ws.binaryType = 'arraybuffer';
      // A WebSocket is what ConsoleChannel describes; only its handler types are DOM events rather than the subset.
      return ws as unknown as ConsoleChannel;
    },
    status: () => status,
    onStatus(listener) {
      statusListeners.add(listener);
      return () => {
        statusListeners.delete(listener);
      };
    },
    retryNow() {
      if (closedForGood || status.state !== 'closed') return;
      if (retryTimer) clearTimeout(retryTimer);
      connect();
    },
    close() {
      closedForGood = true;
      if (retryTimer) clearTimeout(retryTimer);
      retryTimer = null;
      failAll(
        (p) =>
          new ApiError(
            'OPERATION_FAILED',
            `the connection to the cgvirt engine was closed; '${p.channel}' ${p.sent ? 'may or may not have been done' : 'was not sent'}`,
          ),
      );
      const ws = socket;
      socket = null;
      ws?.close();
      setStatus({ ...status, state: 'closed', retryAt: undefined, lastError: 'the page closed the connection' });
    },
  };
  connect();
  return api;
}
