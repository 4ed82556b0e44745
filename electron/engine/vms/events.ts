// The engine's events, typed by the event map in shared/: state changes, definition changes, stats ticks, host
// changes. A listener that throws is logged and does not stop the others, nor the engine step that emitted (a state
// change in the middle of an exit's cleanup, say). Once the engine is closed nothing more is emitted.
import { EventListeners, type EventName, type EventOf } from '../../../shared';

export class EngineEvents {
  private listeners = new EventListeners((event, e) => console.error(`cgvirt: a '${event}' listener of the engine threw`, e));
  private closed = false;

  on<E extends EventName>(event: E, listener: (payload: EventOf<E>) => void): () => void {
    return this.listeners.on(event, listener);
  }

  emit<E extends EventName>(event: E, payload: EventOf<E>): void {
    if (!this.closed) this.listeners.emit(event, payload);
  }

  close(): void {
    this.closed = true;
    this.listeners = new EventListeners(() => undefined);
  }
}
