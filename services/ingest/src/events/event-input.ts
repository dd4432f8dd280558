import { z } from "zod";

/**
 * One event as Lago's API v1 takes it; unknown keys are ignored, as Lago's strong params do.
 *
 * The schema only checks, it converts nothing: conversions in zod (transforms, pipes, record
 * copies) cost several times the checks on the ingest hot path, so `acceptEvent` converts the
 * values once they are known to be good.
 */

/** Unix seconds, as an integer, a float or a numeric string; null when the value is not one. */
export function timestampMillis(value: number | string): number | null {
  const seconds =
    typeof value === "number" ? value : /^\s*\d+(\.\d+)?\s*$/.test(value) ? Number(value) : Number.NaN;
  const millis = Math.floor(seconds * 1000);
  return Number.isFinite(seconds) && seconds >= 0 && Number.isFinite(new Date(millis).getTime())
    ? millis
    : null;
}

const identifier = z
  .union([z.string(), z.number()])
  .refine((value) => typeof value === "number" || value.trim().length > 0, { message: "value_is_mandatory" });

export const eventInput = z.object({
  transaction_id: identifier,
  external_subscription_id: identifier,
  code: identifier,
  timestamp: z
    .union([z.number(), z.string()], { message: "invalid_format" })
    .refine((value) => timestampMillis(value) !== null, { message: "invalid_format" })
    .nullish(),
  properties: z.looseObject({}).nullish(),
  precise_total_amount_cents: z
    .union([z.number(), z.string().regex(/^-?\d+(\.\d+)?$/)], { message: "invalid_value" })
    .nullish(),
});

export type EventInput = z.output<typeof eventInput>;

/** Lago's limit on events in one batch request (LAGO_EVENTS_BATCH_MAX_LENGTH). */
export const MAX_BATCH_EVENTS = 100;
