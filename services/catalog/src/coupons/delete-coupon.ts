import type { Coupon } from "#shared/domain/coupons/coupon.js";
import type { CatalogStore } from "#shared/store/catalog-store.js";

/**
 * DELETE /coupons/{code}, as Lago's `Coupons::DestroyService`: the coupon is deleted (its code
 * free again, itself kept for the applications that name it) and each of its active applications
 * terminated, so no invoice applies it again. The terminations come first and the deletion last,
 * each conditional on what was read: a request interrupted between two transactions, or meeting
 * an application made meanwhile, is made again from a fresh read.
 */
export async function deleteCoupon(store: CatalogStore, coupon: Coupon, now: string): Promise<Coupon> {
  const applications = (await store.listAppliedCoupons(coupon.organizationId)).filter(
    (applied) => applied.couponId === coupon.id && applied.status === "active",
  );
  await store.writeInChunks(
    applications.map((applied) => store.appliedCouponTermination(applied, now)),
    store.couponRemoval(coupon, now),
  );
  return { ...coupon, deletedAt: now };
}
