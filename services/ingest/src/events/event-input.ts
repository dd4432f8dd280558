import { z } from "zod";
import { isWithinSupportedDates, MAX_ID_LENGTH } from "#shared/platform/http/limits.js";
import { LosslessNumber } from "#shared/platform/json/json-text.js";

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
  return Number.isFinite(seconds) && seconds >= 0 && isWithinSupportedDates(millis) ? millis : null;
}

/** An id as text: a number (an integer beyond 2^53 included, kept exact) is its decimal text. */
export function identifierText(value: string | number | LosslessNumber): string {
  return typeof value === "string" ? value.trim() : value.toString();
}

const identifier = z
  .union([z.string(), z.number(), z.instanceof(LosslessNumber)])
  .refine((value) => identifierText(value).length > 0, { message: "value_is_mandatory" })
  .refine((value) => identifierText(value).length <= MAX_ID_LENGTH, { message: "value_is_too_long" });

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
