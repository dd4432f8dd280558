import { z } from "zod";
import type { Coupon } from "#shared/domain/coupons/coupon.js";
import { type ErrorDetails, validationFailed } from "#shared/platform/http/errors.js";
import { catalogInstant } from "../catalog-dates.js";
import {
  boundedInteger,
  codeList,
  MAX_AMOUNT_CENTS,
  MAX_DAYS,
  MAX_DECIMAL_LENGTH,
  MAX_DESCRIPTION_LENGTH,
} from "../catalog-limits.js";
import { code, currencyCode, optionalText, requiredName } from "../shared-schemas.js";

/** Plans or metrics one coupon may be limited to. */
export const MAX_COUPON_LIMITS = 100;

/** Lago's enums are validated by inclusion: a missing or unknown value is `value_is_invalid`. */
const lagoEnum = <const T extends readonly [string, ...string[]]>(values: T) =>
  z.enum(values, { message: "value_is_invalid" });

export const couponType = lagoEnum(["fixed_amount", "percentage"]);
export const couponFrequency = lagoEnum(["once", "recurring", "forever"]);

const DECIMAL = /^\d+(\.\d+)?$/;

/** Lago stores rates as decimal(10, 5): up to 99999.99999 percent, kept as the decimal sent. */
export const percentageRate = z.union([z.string(), z.number().transform(String)]).pipe(
  z
    .string()
    .max(MAX_DECIMAL_LENGTH, { message: "value_is_too_long" })
    .regex(DECIMAL, { message: "value_is_invalid" })
    .refine((rate) => !DECIMAL.test(rate) || Number(rate) < 100_000, { message: "value_is_out_of_range" }),
);

/** Lago: an amount or duration must be greater than 0 (`value_is_out_of_range`). */
export const positiveAmountCents = boundedInteger(1, MAX_AMOUNT_CENTS);
export const frequencyDuration = boundedInteger(1, MAX_DAYS);

const limitCodes = codeList(MAX_COUPON_LIMITS, "too_many_values").nullable().optional();

const couponFields = {
  name: requiredName,
  code,
  description: optionalText(MAX_DESCRIPTION_LENGTH),
  coupon_type: couponType,
  amount_cents: positiveAmountCents.nullable().optional(),
  amount_currency: currencyCode.nullable().optional(),
  percentage_rate: percentageRate.nullable().optional(),
  frequency: couponFrequency,
  frequency_duration: frequencyDuration.nullable().optional(),
  reusable: z.boolean().optional(),
  expiration: lagoEnum(["no_expiration", "time_limit"]),
  expiration_at: catalogInstant.nullable().optional(),
  applies_to: z.object({ plan_codes: limitCodes, billable_metric_codes: limitCodes }).nullable().optional(),
};

/** POST /coupons: Lago requires the name, code, type, frequency and expiration. */
export const couponCreate = z.object(couponFields);

/** PUT /coupons/{code}: any field, the others kept. */
export const couponUpdate = z.object(couponFields).partial();

export type CouponUpdateInput = z.output<typeof couponUpdate>;

/** Lago's ExpirationDateValidator: an `expiration_at` sent must be later than now. */
export function requireFutureExpiration(expirationAt: string | null | undefined, now: string): void {
  if (expirationAt && Date.parse(expirationAt) <= Date.parse(now))
    throw validationFailed({ expiration_at: ["invalid_date"] });
}

/**
 * A time limit needs its date. Lago's API reference requires it; Lago's model does not check it and
 * keeps such a coupon forever, which we refuse rather than store a limit that never ends.
 */
export function requireExpirationDate(coupon: Pick<Coupon, "expiration" | "expirationAt">): void {
  if (coupon.expiration === "time_limit" && coupon.expirationAt === null)
    throw validationFailed({ expiration_at: ["value_is_mandatory"] });
}

/**
 * Lago's coupon validations across fields: a fixed amount needs its amount and currency, a
 * percentage its rate, a recurring coupon its number of invoices. Checked on the coupon as it
 * would be saved, so an update that switches its type must send what the new type needs.
 */
export function requireCouponTerms(
  coupon: Pick<
    Coupon,
    "couponType" | "amountCents" | "amountCurrency" | "percentageRate" | "frequency" | "frequencyDuration"
  >,
): void {
  const details: Record<string, string[]> = {};
  if (coupon.couponType === "fixed_amount") {
    if (coupon.amountCents === null) details.amount_cents = ["value_is_mandatory"];
    if (coupon.amountCurrency === null) details.amount_currency = ["value_is_mandatory"];
  }
  if (coupon.couponType === "percentage" && coupon.percentageRate === null)
    details.percentage_rate = ["value_is_mandatory"];
  if (coupon.frequency === "recurring" && coupon.frequencyDuration === null)
    details.frequency_duration = ["value_is_mandatory"];
  if (Object.keys(details).length > 0) throw validationFailed(details as ErrorDetails);
}
