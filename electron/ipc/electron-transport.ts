// The router over Electron IPC, without importing Electron (main.ts passes ipcMain and the window in): one `handle`
// registration whose every message is checked to come from our window's main frame showing our own page.
import { EVENT_NAMES, type EventName, type Result } from '../../shared';
import { INVOKE_CHANNEL } from './ipc-channels';
import type { EngineApi } from '../engine/api';
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

/** The part of ipcMain used: exactly one `handle` registration, no `on` listener the page could talk to. */
export interface IpcMainLike {
  handle(channel: string, listener: InvokeListener): void;
}

export function registerIpc(ipcMain: IpcMainLike, router: Router, trusted: () => TrustedPage | null): void {
  ipcMain.handle(INVOKE_CHANNEL, createInvokeHandler(router, trusted));
}

/** Sends every engine event to `send` (main.ts: every window's webContents); returns the unsubscribe function. */
export function forwardEvents(engine: Pick<EngineApi, 'on'>, send: (event: EventName, payload: unknown) => void): () => void {
  const offs = EVENT_NAMES.map((event) => engine.on(event, (payload) => send(event, payload)));
  return () => offs.forEach((off) => off());
}
