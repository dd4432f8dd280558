import type { Coupon } from "#shared/domain/coupons/coupon.js";
import { invalid } from "#shared/platform/http/errors.js";
import { AlreadyExistsError, type CatalogStore } from "#shared/store/catalog-store.js";
import { requireCouponTerms, requireExpirationDate, requireFutureExpiration } from "./coupon-input.js";
import { type CouponLimitCodes, resolveCouponLimits } from "./resolve-coupon-limits.js";

/**
 * Stores a new coupon, in Lago's order of checks: its expiration date in the future (422
 * `invalid_date`), its plans or metrics known and not both (404, 405), its terms and time limit complete, its
 * code free (422 `value_already_exist`). Nothing is written on a refusal.
 */
export async function createCoupon(
  store: CatalogStore,
  coupon: Coupon,
  limits: CouponLimitCodes,
  now: string,
): Promise<Coupon> {
  requireFutureExpiration(coupon.expirationAt, now);
  const { planIds, billableMetricIds } = await resolveCouponLimits(store, coupon.organizationId, limits);
  requireCouponTerms(coupon);
  requireExpirationDate(coupon);
  const created: Coupon = {
    ...coupon,
    limitedPlanIds: planIds ?? [],
    limitedBillableMetricIds: billableMetricIds ?? [],
  };
  try {
    await store.createCoupon(created);
  } catch (error) {
    if (error instanceof AlreadyExistsError) throw invalid("code", "value_already_exist");
    throw error;
  }
  return created;
}
