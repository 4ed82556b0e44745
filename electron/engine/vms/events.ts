// The engine's events, typed by the event map in shared/: state changes, definition changes, stats ticks, host
// changes. Once the engine is closed nothing more is emitted.
import { EventEmitter } from 'node:events';
import type { EventName, EventOf } from '../../../shared';

export class EngineEvents {
  private readonly emitter = new EventEmitter();
  private closed = false;

  constructor() {
    this.emitter.setMaxListeners(0);
  }

  on<E extends EventName>(event: E, listener: (payload: EventOf<E>) => void): () => void {
    this.emitter.on(event, listener);
    return () => this.emitter.off(event, listener);
  }

  emit<E extends EventName>(event: E, payload: EventOf<E>): void {
    if (!this.closed) this.emitter.emit(event, payload);
  }

  close(): void {
    this.closed = true;
    this.emitter.removeAllListeners();
  }
}
