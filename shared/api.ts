import { z } from 'zod';
import type { Channel, RequestOf, ResponseOf } from './channels';
import { wireErrorSchema, type ErrorCode } from './errors';
import type { EventName, EventOf } from './events';

/**
 * The page API, the same object in both transports: the Electron preload exposes it as `window.cgvirt`, and in web
 * mode the renderer installs one over the WebSocket before the app starts.
 */
export interface CgvirtApi {
  /** Resolves with the value, or rejects with an ApiError carrying the engine's code and message. */
  invoke<C extends Channel>(channel: C, payload: RequestOf<C>): Promise<ResponseOf<C>>;
  /** Returns the unsubscribe function. */
  on<E extends EventName>(event: E, listener: (payload: EventOf<E>) => void): () => void;
}

export class ApiError extends Error {
  override readonly name = 'ApiError';
  constructor(
    readonly code: ErrorCode,
    message: string,
  ) {
    super(message);
  }
}

/** What the router answers for every request, whatever the transport. */
export const resultSchema = z.discriminatedUnion('ok', [
  z.object({ ok: z.literal(true), value: z.unknown() }),
  z.object({ ok: z.literal(false), error: wireErrorSchema }),
]);
export type Result = z.infer<typeof resultSchema>;

/** WebSocket frames. Client → server: a request; server → client: its reply, or an event. */
export const wsRequestSchema = z.strictObject({
  id: z.number().int().nonnegative(),
  channel: z.string().max(64),
  payload: z.unknown(),
});
export type WsRequest = z.infer<typeof wsRequestSchema>;
export type WsServerFrame = { id: number; result: Result } | { event: EventName; payload: unknown };

/** Turns a router result into the page API's promise outcome. */
export function unwrapResult<T>(result: Result): T {
  if (result.ok) return result.value as T;
  throw new ApiError(result.error.code, result.error.message);
}
