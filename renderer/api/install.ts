// Chooses the transport once, before the app renders: Electron's preload has already exposed `window.cgvirt`; in a
// browser (web mode) there is none, so one is installed over the WebSocket of the page's own origin.
import type { CgvirtApi } from '../../shared';
import { takeToken, wsUrlFor } from './token';
import { createWsApi, type ConnectionHandle, type WsApiOptions } from './ws-api';

export interface Transport {
  kind: 'electron' | 'web';
  api: CgvirtApi;
  /** The WebSocket's status in web mode; null in Electron, where the engine is always there. */
  connection: ConnectionHandle | null;
  /** Web mode without a token: the page was not opened from the URL `serve` printed. */
  tokenMissing: boolean;
}

type PageWindow = Window & { cgvirt?: CgvirtApi };

export function installTransport(win: Window = window, options?: WsApiOptions): Transport {
  const page = win as PageWindow;
  if (page.cgvirt) return { kind: 'electron', api: page.cgvirt, connection: null, tokenMissing: false };
  const token = takeToken(win);
  const ws = createWsApi(wsUrlFor(win.location, token), options);
  // The same shape the preload exposes, and nothing else: invoke, on and openConsole.
  const api: CgvirtApi = Object.freeze({ invoke: ws.invoke, on: ws.on, openConsole: ws.openConsole });
  Object.defineProperty(win, 'cgvirt', { value: api, enumerable: true, configurable: false, writable: false });
  win.addEventListener('online', () => ws.retryNow());
  return { kind: 'web', api, connection: ws, tokenMissing: token === null };
}
