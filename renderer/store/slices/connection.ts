// The engine this window talks to: whether the WebSocket is open (web mode), and what the engine's host offers.
import type { EventOf, HostInfo } from '../../../shared';
import type { ConnectionStatus } from '../../api/ws-api';
import type { SliceCreator } from './app-state';

export interface ConnectionSlice {
  /** The WebSocket's status in web mode; null in Electron. */
  connection: ConnectionStatus | null;
  host: HostInfo | null;
  setConnection(status: ConnectionStatus | null): void;
  hostChanged(e: EventOf<'host:changed'>): void;
}

/** Why nothing can be asked of the engine now (web mode, the socket is down), or null when it can. */
export const offlineReason = (s: Pick<ConnectionSlice, 'connection'>): string | null =>
  s.connection && s.connection.state !== 'open' ? 'not connected to the cgvirt engine; reconnecting…' : null;

export const connectionSlice: SliceCreator<ConnectionSlice> = (set) => ({
  connection: null,
  host: null,
  setConnection: (connection) => set({ connection }),
  hostChanged: (host) => set({ host }),
});
