import { z } from 'zod';

export const guestStatsSchema = z.object({
  name: z.string(),
  /** Share of one host CPU over the last tick, in percent (200 = two CPUs busy). */
  cpuPercent: z.number(),
  /** Total CPU time the guest's group has used, µs. */
  cpuTimeUs: z.number(),
  memoryBytes: z.number(),
});
export type GuestStats = z.infer<typeof guestStatsSchema>;

/** One message per tick for all running guests, so the UI does one store update per tick. */
export const statsTickSchema = z.object({ at: z.number(), guests: z.array(guestStatsSchema) });
export type StatsTick = z.infer<typeof statsTickSchema>;

/** A priority change, as the engine recorded it: drawn on the graphs' timeline. `at` is engine time (ms). */
export const priorityMarkSchema = z.object({ name: z.string(), at: z.number(), shares: z.number().int() });
export type PriorityMarkEvent = z.infer<typeof priorityMarkSchema>;

/** How far back the engine keeps ticks and marks, so every page (and one opened later) draws the same graphs. */
export const HISTORY_WINDOW_MS = 120_000;

/** What `stats:history` answers: the last HISTORY_WINDOW_MS of ticks (oldest first) and of priority changes. */
export const statsHistorySchema = z.object({ ticks: z.array(statsTickSchema), marks: z.array(priorityMarkSchema) });
export type StatsHistory = z.infer<typeof statsHistorySchema>;
