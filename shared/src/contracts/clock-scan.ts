import { z } from "zod";

/**
 * One slice of the billing clock's due index to scan: a shard, from `after` (the last key a
 * previous page ended on) on, for what is due by `now`.
 */
export const clockScan = z.object({
  kind: z.literal("scan_due"),
  shard: z.string().min(1),
  now: z.string().min(1),
  after: z.record(z.string(), z.string()).optional(),
});

export type ClockScan = z.output<typeof clockScan>;
