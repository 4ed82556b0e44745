// The renderer's one API client. Everything the UI asks of the engine goes through here, and every failure comes out
// as an ApiError with the engine's code and words, whichever transport carried it.
import {
  toApiError,
  type CgvirtApi,
  type Channel,
  type ConsoleChannel,
  type EventName,
  type EventOf,
  type RequestOf,
  type ResponseOf,
} from '../../shared';
import type { ConnectionHandle } from './ws-api';

export interface ApiClient {
  /** Resolves with the engine's answer; rejects with an ApiError. */
  invoke<C extends Channel>(channel: C, payload: RequestOf<C>): Promise<ResponseOf<C>>;
  on<E extends EventName>(event: E, listener: (payload: EventOf<E>) => void): () => void;
  /** Opens a console stream with a `console:ticket` ticket; throws an ApiError when the transport cannot. */
  openConsole(ticket: string): ConsoleChannel;
  /** Null when the transport cannot drop (Electron). */
  connection: ConnectionHandle | null;
}

export function createApiClient(api: CgvirtApi, connection: ConnectionHandle | null = null): ApiClient {
  return {
    async invoke(channel, payload) {
      try {
        return await api.invoke(channel, payload);
      } catch (e) {
        throw toApiError(e);
      }
    },
    on: (event, listener) => api.on(event, listener),
    openConsole(ticket) {
      try {
        return api.openConsole(ticket);
      } catch (e) {
        throw toApiError(e);
      }
    },
    connection,
  };
}
