// The Electron IPC channels between main and renderer: one request/response, one event stream, and one on which the
// page hands the main process a MessagePort for a console stream. Both ends import these: the main process's transport
// (electron-transport.ts) and the sandboxed preload (bridge.ts).
export const INVOKE_CHANNEL = 'cgvirt:invoke';
export const EVENT_CHANNEL = 'cgvirt:event';
/** `ipcRenderer.postMessage(CONSOLE_CHANNEL, ticket, [port])`: the main process pipes the ticket's stream to the port. */
export const CONSOLE_CHANNEL = 'cgvirt:console';

/** What the main process posts on a console port: it opened, the guest's bytes, or the end with its reason. */
export type ConsoleToPage = { kind: 'open' } | { kind: 'data'; data: Uint8Array } | { kind: 'close'; code: number; reason: string };
/** What the page posts: its bytes, an acknowledgement of bytes it has handed on (the main process's buffer cap), or the end. */
export type ConsoleFromPage = { kind: 'data'; data: Uint8Array } | { kind: 'ack'; bytes: number } | { kind: 'close' };
