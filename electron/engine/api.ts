// What the engine offers its callers (the IPC router, the bench, tests): one method per channel, derived from the
// channel map in shared/ (inputs arrive validated by its schemas), plus events and close. The engine never knows
// about channels' transports.
import type { ChannelApi, EventName, EventOf } from '../../shared';

export interface EngineApi extends ChannelApi {
  /** Subscribes to engine events; returns the unsubscribe function. */
  on<E extends EventName>(event: E, listener: (payload: EventOf<E>) => void): () => void;
  /** Stops watching and sampling; guests keep running (they outlive the manager). */
  close(): Promise<void>;
}
