import Decimal from "decimal.js";
import type { CouponObject, CurrencyOrNull } from "lago-javascript-client";
import type { BillableMetric, Plan } from "#shared/domain/catalog.js";
import { type Coupon, couponStatus } from "#shared/domain/coupons/coupon.js";
import type { LagoShape } from "#shared/serializers/lago-shape.js";

/** A decimal column as Lago's JSON writes it: "10.0", "12.5". */
export function lagoDecimal(value: string | null): string | null {
  if (value === null) return null;
  const text = new Decimal(value).toFixed();
  return text.includes(".") ? text : `${text}.0`;
}

/** What a coupon's limits are shown by: the live plans and metrics (codes follow renames). */
export interface CouponTargets {
  readonly plans: readonly Pick<Plan, "id" | "code">[];
  readonly metrics: readonly Pick<BillableMetric, "id" | "code">[];
}

const codesOf = (ids: readonly string[], items: readonly { id: string; code: string }[]) =>
  items.filter((item) => ids.includes(item.id)).map((item) => item.code);

/** A coupon as Lago's coupons API shows it, its status at `now`. */
export function serializeCoupon(coupon: Coupon, targets: CouponTargets, now: string) {
  return {
    lago_id: coupon.id,
    name: coupon.name,
    code: coupon.code,
    description: coupon.description,
    coupon_type: coupon.couponType,
    amount_cents: coupon.amountCents,
    // The client lists fewer currencies than the ISO 4217 codes we accept, as Lago does.
    amount_currency: coupon.amountCurrency as CurrencyOrNull | null,
    percentage_rate: lagoDecimal(coupon.percentageRate),
    frequency: coupon.frequency,
    frequency_duration: coupon.frequencyDuration,
    reusable: coupon.reusable,
    limited_plans: coupon.limitedPlanIds.length > 0,
    plan_codes: codesOf(coupon.limitedPlanIds, targets.plans),
    limited_billable_metrics: coupon.limitedBillableMetricIds.length > 0,
    billable_metric_codes: codesOf(coupon.limitedBillableMetricIds, targets.metrics),
    created_at: coupon.createdAt,
    expiration: coupon.expiration,
    expiration_at: coupon.expirationAt,
    terminated_at: couponStatus(coupon, now).terminatedAt,
  } satisfies LagoShape<CouponObject>;
}
