import { z } from "zod";

/** Lago accepts Unix seconds as an integer, a float or a numeric string. */
const timestampInput = z
  .union([z.number(), z.string()], { message: "invalid_format" })
  .transform((value, ctx) => {
    const seconds =
      typeof value === "number" ? value : /^\s*\d+(\.\d+)?\s*$/.test(value) ? Number(value) : Number.NaN;
    const millis = Math.floor(seconds * 1000);
    if (!Number.isFinite(seconds) || seconds < 0 || !Number.isFinite(new Date(millis).getTime())) {
      ctx.addIssue({ code: "custom", message: "invalid_format" });
      return z.NEVER;
    }
    return new Date(millis).toISOString();
  });

const requiredString = z
  .union([z.string(), z.number().transform(String)])
  .pipe(z.string().trim().min(1, { message: "value_is_mandatory" }));

/** One event as Lago's API v1 takes it; unknown keys are ignored, as Lago's strong params do. */
export const eventInput = z.object({
  transaction_id: requiredString,
  external_subscription_id: requiredString,
  code: requiredString,
  timestamp: timestampInput.optional().nullable(),
  properties: z.record(z.string(), z.unknown()).optional().nullable(),
  precise_total_amount_cents: z
    .union([z.number(), z.string().regex(/^-?\d+(\.\d+)?$/)], { message: "invalid_value" })
    .transform(String)
    .optional()
    .nullable(),
});

export type EventInput = z.output<typeof eventInput>;

/** Lago's limit on events in one batch request (LAGO_EVENTS_BATCH_MAX_LENGTH). */
export const MAX_BATCH_EVENTS = 100;
