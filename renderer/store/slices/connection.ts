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

export const connectionSlice: SliceCreator<ConnectionSlice> = (set) => ({
  connection: null,
  host: null,
  setConnection: (connection) => set({ connection }),
  hostChanged: (host) => set({ host }),
});
