import { z } from 'zod';
import type { Channel, RequestOf, ResponseOf } from './channels';
import { wireErrorSchema, type ErrorCode } from './errors';
import type { ConsoleChannel } from './consoles';
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
  /** Opens a console stream with a ticket from `console:ticket` (shared/consoles.ts). */
  openConsole(ticket: string): ConsoleChannel;
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

/**
 * Electron's contextBridge copies an Error's message but drops its own properties, so the preload carries the code in
 * the message (`[INVALID_ARG] shares '1' must be...`) and the renderer's one API client turns it back into an ApiError.
 */
export const bridgeErrorMessage = (code: ErrorCode, message: string) => `[${code}] ${message}`;

/** Any rejection from `window.cgvirt` (web or Electron) as an ApiError with the engine's code and words. */
export function toApiError(e: unknown): ApiError {
  if (e instanceof ApiError) return e;
  const raw = e instanceof Error ? e.message : typeof e === 'string' ? e : JSON.stringify(e);
  const code = (e as { code?: unknown } | null)?.code;
  const parsed = wireErrorSchema.shape.code.safeParse(code);
  if (parsed.success) return new ApiError(parsed.data, raw);
  // Electron prefixes "Error invoking remote method '...': " to errors thrown by the preload's ipcRenderer.invoke.
  const m = /\[([A-Z_]+)\] ([\s\S]*)$/.exec(raw);
  const bridged = m ? wireErrorSchema.shape.code.safeParse(m[1]) : undefined;
  return bridged?.success ? new ApiError(bridged.data, m![2]!) : new ApiError('INTERNAL', raw);
}
