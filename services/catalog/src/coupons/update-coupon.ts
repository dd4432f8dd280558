import type { Coupon } from "#shared/domain/coupons/coupon.js";
import { invalid } from "#shared/platform/http/errors.js";
import { AlreadyExistsError, type CatalogStore } from "#shared/store/catalog-store.js";
import { patch } from "../shared-schemas.js";
import {
  type CouponUpdateInput,
  requireCouponTerms,
  requireExpirationDate,
  requireFutureExpiration,
} from "./coupon-input.js";
import { resolveCouponLimits } from "./resolve-coupon-limits.js";

/** The limits after an update: a new kind of limit sent alone replaces the other kind, as in Lago. */
function limitsAfter(
  coupon: Coupon,
  planIds: string[] | undefined,
  billableMetricIds: string[] | undefined,
): Pick<Coupon, "limitedPlanIds" | "limitedBillableMetricIds"> {
  return {
    limitedPlanIds: planIds ?? (billableMetricIds?.length ? [] : coupon.limitedPlanIds),
    limitedBillableMetricIds: billableMetricIds ?? (planIds?.length ? [] : coupon.limitedBillableMetricIds),
  };
}

/**
 * PUT /coupons/{code}, by Lago's rule (`Coupons::UpdateService`): once the coupon has been applied
 * to a customer (even an application since terminated), only its name, description and expiration
 * change, and the rest of the request is ignored, not refused. Before that, every field may change,
 * its code too (which must be free: 422 `value_already_exist`). The save is conditional on the
 * applications counted at the read: one made meanwhile makes the request read again.
 */
export async function updateCoupon(
  store: CatalogStore,
  coupon: Coupon,
  input: CouponUpdateInput,
  now: string,
): Promise<Coupon> {
  const expirationAt = input.expiration_at === undefined ? undefined : (input.expiration_at?.iso ?? null);
  requireFutureExpiration(expirationAt, now);
  const always: Coupon = {
    ...coupon,
    name: patch(input.name, coupon.name),
    description: patch(input.description, coupon.description) ?? null,
    expiration: patch(input.expiration, coupon.expiration),
    expirationAt: patch(expirationAt, coupon.expirationAt),
  };
  let updated = always;
  if (coupon.appliedCount === 0) {
    const { planIds, billableMetricIds } = await resolveCouponLimits(store, coupon.organizationId, {
      planCodes: input.applies_to?.plan_codes,
      billableMetricCodes: input.applies_to?.billable_metric_codes,
    });
    updated = {
      ...always,
      ...limitsAfter(coupon, planIds, billableMetricIds),
      code: patch(input.code, coupon.code),
      couponType: patch(input.coupon_type, coupon.couponType),
      amountCents: patch(input.amount_cents, coupon.amountCents) ?? null,
      amountCurrency: patch(input.amount_currency, coupon.amountCurrency) ?? null,
      percentageRate: patch(input.percentage_rate, coupon.percentageRate) ?? null,
      frequency: patch(input.frequency, coupon.frequency),
      frequencyDuration: patch(input.frequency_duration, coupon.frequencyDuration) ?? null,
      reusable: patch(input.reusable, coupon.reusable),
    };
    requireCouponTerms(updated);
  }
  requireExpirationDate(updated);
  try {
    await store.write(store.couponSave(updated, coupon));
  } catch (error) {
    if (error instanceof AlreadyExistsError) throw invalid("code", "value_already_exist");
    throw error;
  }
  return updated;
}
