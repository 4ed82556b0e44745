// What both console streams share (EngineApi's ConsoleStream, engine/api.ts): listeners for the guest's bytes, and an
// end that happens once, with a reason in words, whoever ends it (the viewer, the guest stopping, a limit).
import type { ConsoleKind } from '../../../shared';

/** Why a stream ended, in the words a viewer shows. */
export const CLOSE_REASONS = {
  viewer: 'the viewer closed the console',
  guestStopped: 'the guest stopped',
  engineClosing: 'the cgvirt engine is stopping',
} as const;

export abstract class ConsoleStreamBase {
  private readonly dataListeners: ((chunk: Buffer) => void)[] = [];
  private readonly closeListeners: ((reason: string) => void)[] = [];
  private endReason: string | null = null;

  constructor(
    /** The guest the ticket named. */
    readonly guest: string,
    readonly kind: ConsoleKind,
  ) {}

  get ended(): boolean {
    return this.endReason !== null;
  }

  onData(listener: (chunk: Buffer) => void): void {
    if (this.ended) return;
    this.dataListeners.push(listener);
    this.listening(listener);
  }

  onClose(listener: (reason: string) => void): void {
    const reason = this.endReason;
    if (reason !== null) queueMicrotask(() => listener(reason));
    else this.closeListeners.push(listener);
  }

  abstract write(chunk: Uint8Array): void;

  close(): void {
    this.end(CLOSE_REASONS.viewer);
  }

  /** Ends the stream once: releases what it holds, then tells every close listener why. */
  end(reason: string): void {
    if (this.endReason !== null) return;
    this.endReason = reason;
    this.dataListeners.length = 0;
    this.release();
    for (const l of this.closeListeners.splice(0)) {
      try {
        l(reason);
      } catch {
        // A transport's bug must not keep the other listeners from hearing the end.
      }
    }
  }

  /** Hands guest bytes to every data listener. */
  protected emit(chunk: Buffer): void {
    for (const l of [...this.dataListeners]) {
      try {
        l(chunk);
      } catch (e) {
        this.end(`the console stream failed: ${(e as Error).message}`);
        return;
      }
    }
  }

  /** A data listener was added (the serial stream replays its scrollback to it; the VNC stream starts reading). */
  protected abstract listening(listener: (chunk: Buffer) => void): void;
  /** Lets go of the guest side (the hub's slot, the VNC connection). */
  protected abstract release(): void;
}
