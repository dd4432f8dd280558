import type { AppliedCoupon } from "#shared/domain/coupons/coupon.js";
import type { CatalogStore } from "#shared/store/catalog-store.js";

/**
 * DELETE /customers/{external_customer_id}/applied_coupons/{id}: the application is terminated
 * (Lago's `AppliedCoupons::TerminateService`), so no later invoice applies it; one already
 * terminated is shown as it is.
 */
export async function removeAppliedCoupon(
  store: CatalogStore,
  applied: AppliedCoupon,
  now: string,
): Promise<AppliedCoupon> {
  if (applied.status !== "active") return applied;
  await store.write([store.appliedCouponTermination(applied, now)]);
  return { ...applied, status: "terminated", terminatedAt: now };
}
