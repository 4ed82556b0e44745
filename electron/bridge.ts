// The page API the Electron preload exposes as `window.cgvirt`, built over an ipcRenderer-like object so it can be
// tested without Electron. Only Node-free code here: the sandboxed preload bundles it.
import { bridgeErrorMessage, type CgvirtApi, type Result } from '../shared/api';
import { EventListeners } from '../shared/event-listeners';
import { isEventName } from '../shared/events';
import { EVENT_CHANNEL, INVOKE_CHANNEL } from './ipc/ipc-channels';

/** The part of Electron's ipcRenderer the bridge uses. */
export interface IpcRendererLike {
  invoke(channel: string, ...args: unknown[]): Promise<unknown>;
  on(channel: string, listener: (event: unknown, ...args: unknown[]) => void): unknown;
}

/**
 * `invoke` resolves with the value or rejects with an Error whose message carries the code (contextBridge drops an
 * Error's own properties; `toApiError` in shared/ reads it back). `on` hands listeners the payload only, never
 * Electron's event object (its `sender` is the ipcRenderer itself).
 */
export function createBridgeApi(ipc: IpcRendererLike): CgvirtApi {
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
  };
}
