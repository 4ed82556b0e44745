import { z } from 'zod';
import { vmInfoSchema, vmStateSchema } from './domain';
import { hostInfoSchema } from './host';
import { statsTickSchema } from './stats';

/** The one event map: name → payload schema. Events flow engine → every connected window or socket. */
export const events = {
  /** A guest's run state changed (started, paused, crashed...). */
  'vm:state': z.object({ name: z.string(), state: vmStateSchema, reason: z.string().optional() }),
  /** A definition was added, changed or removed (`info: null`), so every window shows the same list. */
  'vm:changed': z.object({ name: z.string(), info: vmInfoSchema.nullable() }),
  /** One message per tick for all running guests. */
  'stats:tick': statsTickSchema,
  'host:changed': hostInfoSchema,
} as const;

export type Events = typeof events;
export type EventName = keyof Events;
export type EventOf<E extends EventName> = z.infer<Events[E]>;
export const EVENT_NAMES = Object.keys(events) as EventName[];
export const isEventName = (e: unknown): e is EventName => typeof e === 'string' && Object.hasOwn(events, e);
