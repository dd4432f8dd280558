import { z } from "zod";
import {
  amountCents,
  dayCount,
  MAX_CHARGES_PER_PLAN,
  MAX_DESCRIPTION_LENGTH,
  MAX_FILTERS_PER_CHARGE,
  MAX_ID_LENGTH,
  text,
} from "../catalog-limits.js";
import { currencyCode, requiredName } from "../shared-schemas.js";
import { chargeFilterInput, displayName, properties, taxCodes } from "./plan-input.js";

/**
 * One charge of `plan_overrides.charges`: names a charge of the plan by `id` and replaces what it
 * sends. Lago also takes `billable_metric_id`, `code` and `charge_model` there but changes none of
 * them on the copy, so they are read and ignored here too.
 */
const chargeOverride = z.object({
  id: text(MAX_ID_LENGTH),
  billable_metric_id: text(MAX_ID_LENGTH).optional(),
  min_amount_cents: amountCents.optional(),
  invoice_display_name: displayName,
  properties: properties.optional(),
  filters: z.array(chargeFilterInput).max(MAX_FILTERS_PER_CHARGE, { message: "too_many_filters" }).optional(),
  tax_codes: taxCodes,
});

/**
 * `plan_overrides` of `POST /subscriptions` and `PUT /subscriptions/{external_id}`, with the
 * limits and error codes of a plan's own fields. Usage thresholds and fixed charges are not part
 * of this product yet: like any unknown key, they are dropped.
 */
export const planOverrides = z.object({
  amount_cents: amountCents.optional(),
  amount_currency: currencyCode.optional(),
  description: text(MAX_DESCRIPTION_LENGTH).nullable().optional(),
  invoice_display_name: displayName,
  name: requiredName.optional(),
  // Lago's trial period is a number of days, fractions allowed.
  trial_period: dayCount(true).optional(),
  tax_codes: taxCodes,
  minimum_commitment: z
    .object({
      amount_cents: amountCents.optional(),
      invoice_display_name: displayName,
      tax_codes: taxCodes,
    })
    .nullable()
    .optional(),
  charges: z.array(chargeOverride).max(MAX_CHARGES_PER_PLAN, { message: "too_many_charges" }).optional(),
});

export type PlanOverrides = z.output<typeof planOverrides>;

/** Every tax code the overrides name, for the existence check. */
export function overrideTaxCodes(overrides: PlanOverrides): string[] {
  return [
    ...(overrides.tax_codes ?? []),
    ...(overrides.minimum_commitment?.tax_codes ?? []),
    ...(overrides.charges ?? []).flatMap((charge) => charge.tax_codes ?? []),
  ];
}
