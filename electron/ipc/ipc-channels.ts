// The only two Electron IPC channels between main and renderer: one request/response, one event stream. Both ends
// import these: the main process's transport (electron-transport.ts) and the sandboxed preload (bridge.ts).
export const INVOKE_CHANNEL = 'cgvirt:invoke';
export const EVENT_CHANNEL = 'cgvirt:event';
