// The page API the Electron preload gives the page as `window.cgvirt`, built over an ipcRenderer-like object so it can be
// tested without Electron. Only Node-free code here: the sandboxed preload bundles it.
//
// Two halves, because of how contextBridge works: it copies every object that crosses it (only functions stay live,
// as proxies), so a console channel made in the preload would reach the page as a dead copy whose `onmessage` the
// preload never sees. So the preload's half (`createBridgeApi`) has only functions — invoke, on, and a console link
// over a MessagePort — and `installPageApi` runs in the page's own world (preload.ts hands its source to
// `contextBridge.executeInMainWorld`), where it builds `window.cgvirt` with `openConsole` returning a real object.
import { bridgeErrorMessage, type CgvirtApi, type Result } from '../shared/api';
import type { ConsoleChannel } from '../shared/consoles';
import { EventListeners } from '../shared/event-listeners';
import { isEventName } from '../shared/events';
import { CONSOLE_CHANNEL, EVENT_CHANNEL, INVOKE_CHANNEL, type ConsoleFromPage, type ConsoleToPage } from './ipc/ipc-channels';

/** The part of a DOM MessagePort the bridge uses. */
export interface PortLike {
  postMessage(message: unknown): void;
  addEventListener(type: 'message', listener: (event: { data: unknown }) => void): void;
  start(): void;
  close(): void;
}

/** The part of Electron's ipcRenderer the bridge uses. */
export interface IpcRendererLike {
  invoke(channel: string, ...args: unknown[]): Promise<unknown>;
  on(channel: string, listener: (event: unknown, ...args: unknown[]) => void): unknown;
  postMessage(channel: string, message: unknown, transfer: PortLike[]): void;
}

/** The page's side of a console stream, as the preload calls it (functions only: they cross the bridge live). */
export interface ConsoleSink {
  open(): void;
  data(bytes: ArrayBuffer): void;
  close(code: number, reason: string): void;
}

/** The preload's side of a console stream, as the page calls it. */
export interface ConsoleLink {
  send(bytes: Uint8Array): void;
  close(): void;
}

/** What the preload hands to the page's world: functions only. */
export interface IsolatedBridge {
  invoke: CgvirtApi['invoke'];
  on: CgvirtApi['on'];
  openConsole(ticket: string, sink: ConsoleSink): ConsoleLink;
}

/** The page's MessageChannel (typed here by the part used: this file is checked without the DOM's types). */
const newMessageChannel = () => new MessageChannel() as unknown as { port1: PortLike; port2: PortLike };

/**
 * `invoke` resolves with the value or rejects with an Error whose message carries the code (contextBridge drops an
 * Error's own properties; `toApiError` in shared/ reads it back). `on` hands listeners the payload only, never
 * Electron's event object (its `sender` is the ipcRenderer itself). `openConsole` makes a MessageChannel, gives one
 * port to the main process with the ticket, and speaks ConsoleToPage / ConsoleFromPage on the other.
 */
export function createBridgeApi(ipc: IpcRendererLike, newChannel: () => { port1: PortLike; port2: PortLike } = newMessageChannel): IsolatedBridge {
  const listeners = new EventListeners((event, e) => console.error(`cgvirt: a '${event}' listener threw`, e));
  ipc.on(EVENT_CHANNEL, (_event, name, payload) => {
    if (isEventName(name)) listeners.emit(name, payload);
  });

  return {
    async invoke(channel, payload) {
      const result = (await ipc.invoke(INVOKE_CHANNEL, channel, payload)) as Result;
      if (result.ok) return result.value as never;
      throw new Error(bridgeErrorMessage(result.error.code, result.error.message));
    },
    on(event, listener) {
      if (!isEventName(event)) throw new Error(`unknown event '${String(event)}'`);
      if (typeof listener !== 'function') throw new Error('listener must be a function');
      return listeners.on(event, listener);
    },
    openConsole(ticket, sink) {
      const { port1: port, port2 } = newChannel();
      let closed = false;
      const post = (m: ConsoleFromPage) => port.postMessage(m);
      const tell = (fn: () => void) => {
        try {
          fn();
        } catch (e) {
          console.error('cgvirt: a console handler of the page threw', e);
        }
      };
      port.addEventListener('message', ({ data }) => {
        if (closed) return;
        const m = data as ConsoleToPage;
        if (m.kind === 'open') tell(() => sink.open());
        else if (m.kind === 'data') {
          const bytes = m.data;
          tell(() => sink.data(bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.byteLength) as ArrayBuffer));
          post({ kind: 'ack', bytes: bytes.byteLength });
        } else if (m.kind === 'close') {
          closed = true;
          port.close();
          tell(() => sink.close(m.code, m.reason));
        }
      });
      port.start();
      ipc.postMessage(CONSOLE_CHANNEL, String(ticket), [port2]);
      return {
        send(bytes) {
          if (!closed) post({ kind: 'data', data: bytes });
        },
        close() {
          if (closed) return;
          closed = true;
          post({ kind: 'close' });
          port.close();
        },
      };
    },
  };
}

/**
 * Defines `window.cgvirt` (invoke, on, openConsole) in the page's world. Its source is copied there and run by
 * `contextBridge.executeInMainWorld`, so it must be self-contained: no import, no name from this module, only its
 * argument and the page's globals (bridge.test.ts runs it from its source text in an empty context to hold it to that).
 * `openConsole` answers a ConsoleChannel (shared/consoles.ts) the way a WebSocket behaves: CONNECTING until the main
 * process accepts the ticket, then messages as ArrayBuffers; `send` on a channel that is not open throws; `onclose`
 * once, asynchronously, whoever closes.
 */
export function installPageApi(bridge: IsolatedBridge): void {
  const CONNECTING = 0;
  const OPEN = 1;
  const CLOSING = 2;
  const CLOSED = 3;
  const openConsole = (ticket: string): ConsoleChannel => {
    let state = CONNECTING;
    const finish = (code: number, reason: string) => {
      if (state === CLOSED) return;
      state = CLOSED;
      setTimeout(() => channel.onclose?.({ code, reason }), 0);
    };
    const channel: ConsoleChannel = {
      binaryType: 'arraybuffer',
      protocol: '',
      get readyState() {
        return state;
      },
      onopen: null,
      onmessage: null,
      onclose: null,
      onerror: null,
      send(data) {
        if (state !== OPEN) throw new Error(`send() on a console stream that is ${state === CONNECTING ? 'not open yet' : 'closed'}`);
        // A copy of exactly these bytes: a view's whole buffer would otherwise be cloned across.
        const bytes =
          typeof data === 'string'
            ? new TextEncoder().encode(data)
            : ArrayBuffer.isView(data)
              ? new Uint8Array(data.buffer.slice(data.byteOffset, data.byteOffset + data.byteLength))
              : new Uint8Array(data.slice(0));
        link.send(bytes);
      },
      close() {
        if (state === CLOSING || state === CLOSED) return;
        state = CLOSING;
        link.close();
        finish(1000, '');
      },
    };
    const link = bridge.openConsole(String(ticket), {
      open: () => {
        if (state !== CONNECTING) return;
        state = OPEN;
        channel.onopen?.({ type: 'open' });
      },
      data: (bytes) => {
        if (state === OPEN) channel.onmessage?.({ data: bytes });
      },
      close: (code, reason) => finish(code, reason),
    });
    return channel;
  };
  const api = Object.freeze({ invoke: bridge.invoke, on: bridge.on, openConsole });
  Object.defineProperty(globalThis, 'cgvirt', { value: api, enumerable: true, configurable: false, writable: false });
}
