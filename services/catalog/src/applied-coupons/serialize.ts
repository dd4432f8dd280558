import type {
  AppliedCouponObject,
  AppliedCouponObjectExtended,
  CurrencyOrNull,
} from "lago-javascript-client";
import type { Customer } from "#shared/domain/catalog.js";
import { type AppliedCoupon, type Coupon, couponStatus } from "#shared/domain/coupons/coupon.js";
import type { LagoShape } from "#shared/serializers/lago-shape.js";
import { lagoDecimal } from "../coupons/serialize.js";

/** Lago shows what is left only of a fixed amount given once. */
function amountCentsRemaining(applied: AppliedCoupon, coupon: Coupon): number | null {
  if (applied.frequency !== "once" || coupon.couponType === "percentage") return null;
  return applied.amountCentsRemaining ?? applied.amountCents;
}

/** An applied coupon as Lago's applied coupons API shows it, its coupon's status at `now`. */
export function serializeAppliedCoupon(
  applied: AppliedCoupon,
  coupon: Coupon,
  customer: Pick<Customer, "id" | "externalId">,
  now: string,
) {
  return {
    lago_id: applied.id,
    lago_coupon_id: coupon.id,
    coupon_code: coupon.code,
    coupon_name: coupon.name,
    coupon_status: couponStatus(coupon, now).status,
    coupon_deleted_at: coupon.deletedAt,
    lago_customer_id: customer.id,
    external_customer_id: customer.externalId,
    status: applied.status,
    amount_cents: applied.amountCents,
    amount_cents_remaining: amountCentsRemaining(applied, coupon),
    // The client lists fewer currencies than the ISO 4217 codes we accept, as Lago does.
    amount_currency: applied.amountCurrency as CurrencyOrNull | null,
    percentage_rate: lagoDecimal(applied.percentageRate),
    frequency: applied.frequency,
    frequency_duration: applied.frequencyDuration,
    frequency_duration_remaining: applied.frequencyDurationRemaining,
    expiration_at: coupon.expirationAt,
    created_at: applied.createdAt,
    terminated_at: applied.terminatedAt,
  } satisfies LagoShape<AppliedCouponObject>;
}

/**
 * An applied coupon as Lago lists it, with its credits. Lago's credits name each invoice the
 * coupon credited and its payment status, which only invoicing's invoices carry, and invoicing
 * keeps no list of them by coupon: finding them would read every invoice of the customers listed,
 * so none are listed (docs/limits.md). What they add up to shows in `amount_cents_remaining`.
 */
export function serializeListedAppliedCoupon(
  applied: AppliedCoupon,
  coupon: Coupon,
  customer: Pick<Customer, "id" | "externalId">,
  now: string,
) {
  return {
    ...serializeAppliedCoupon(applied, coupon, customer, now),
    credits: [],
  } satisfies LagoShape<AppliedCouponObjectExtended>;
}
