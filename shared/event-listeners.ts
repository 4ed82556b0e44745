// Listeners of the engine's events, by name: what every side that receives events keeps (the preload bridge, the
// page's WebSocket client, test clients). One listener that throws does not keep the event from the others.
import type { EventName, EventOf } from './events';

type Listener = (payload: never) => void;

export class EventListeners {
  private readonly byEvent = new Map<EventName, Set<Listener>>();

  /** `onError` gets what a listener threw (shared/ has no console: each side says where it goes). */
  constructor(private readonly onError: (event: EventName, error: unknown) => void) {}

  /** Returns the unsubscribe function. */
  on<E extends EventName>(event: E, listener: (payload: EventOf<E>) => void): () => void {
    let set = this.byEvent.get(event);
    if (!set) this.byEvent.set(event, (set = new Set()));
    const own = listener as Listener;
    set.add(own);
    return () => void set.delete(own);
  }

  /** Hands `payload` to each listener of `event` (as subscribed when it began); a throw goes to `onError`. */
  emit(event: EventName, payload: unknown): void {
    for (const l of [...(this.byEvent.get(event) ?? [])]) {
      try {
        (l as (p: unknown) => void)(payload);
      } catch (e) {
        this.onError(event, e);
      }
    }
  }

  get count(): number {
    return [...this.byEvent.values()].reduce((n, s) => n + s.size, 0);
  }
}
