import { z } from "zod";
import { amountCents, MAX_ID_LENGTH, text } from "../catalog-limits.js";
import { couponFrequency, frequencyDuration, percentageRate } from "../coupons/coupon-input.js";
import { currencyCode } from "../shared-schemas.js";

/**
 * POST /applied_coupons. The customer and coupon are looked up as sent (a missing one is Lago's
 * 404); the rest overrides the coupon's terms for this customer (Lago allows an amount of 0).
 */
export const appliedCouponCreate = z.object({
  external_customer_id: text(MAX_ID_LENGTH).nullable().optional(),
  coupon_code: text(MAX_ID_LENGTH).nullable().optional(),
  frequency: couponFrequency.nullable().optional(),
  frequency_duration: frequencyDuration.nullable().optional(),
  amount_cents: amountCents.nullable().optional(),
  amount_currency: currencyCode.nullable().optional(),
  percentage_rate: percentageRate.nullable().optional(),
});

export type AppliedCouponCreateInput = z.output<typeof appliedCouponCreate>;

/** GET /applied_coupons filters: a status other than Lago's two is ignored, as Lago does. */
export const appliedCouponFilters = z.object({
  external_customer_id: text(MAX_ID_LENGTH).optional(),
  status: text(64).optional(),
  coupon_code: z.array(text(MAX_ID_LENGTH)).max(100, { message: "too_many_values" }),
});
