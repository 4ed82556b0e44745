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
