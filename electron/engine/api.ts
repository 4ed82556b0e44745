// What the engine offers its callers (the IPC router, the bench, tests): one method per channel, derived from the
// channel map in shared/ (inputs arrive validated by its schemas), plus events and close. The engine never knows
// about channels' transports.
import type { ChannelApi, EventName, EventOf } from '../../shared';

/** A guest console's bytes, opened with a ticket: the transports pipe it to a WebSocket or a MessagePort. */
export interface ConsoleStream {
  /** Bytes from the guest (the serial hub first replays its scrollback). */
  onData(listener: (chunk: Buffer) => void): void;
  /** Called once, when the guest side ends (the guest stopped) or close() was called; with the reason in words. */
  onClose(listener: (reason: string) => void): void;
  /** Bytes to the guest: keystrokes, VNC client messages. */
  write(chunk: Uint8Array): void;
  close(): void;
}

export interface EngineApi extends ChannelApi {
  /** Opens the stream a `console:ticket` ticket names; rejects (a CgvirtError) for an unknown, used or expired ticket. */
  openConsole(ticket: string): Promise<ConsoleStream>;
  /** Subscribes to engine events; returns the unsubscribe function. */
  on<E extends EventName>(event: E, listener: (payload: EventOf<E>) => void): () => void;
  /** Stops watching and sampling; guests keep running (they outlive the manager). */
  close(): Promise<void>;
}
