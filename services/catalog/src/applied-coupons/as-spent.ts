import type { AppliedCoupon } from "#shared/domain/coupons/coupon.js";
import type { SpentCoupons } from "#shared/store/coupon-usage-reader.js";

/**
 * An applied coupon as invoicing has left it: what it still has to give and how many invoices it
 * still applies to, as its last finalization (or void) recorded them, and terminated once used up,
 * as Lago marks it at the invoice that uses it up. An application ended twice (used up, then
 * removed or its customer deleted) ended when it first did: Lago terminates only active ones.
 */
export function asSpent(applied: AppliedCoupon, spent: SpentCoupons): AppliedCoupon {
  const used = spent.get(applied.id);
  if (!used) return applied;
  const usedUpAt = used.terminated ? used.updatedAt : null;
  const endings = [applied.terminatedAt, usedUpAt].filter((at): at is string => at !== null);
  return {
    ...applied,
    // A percentage has no amount left to show.
    amountCentsRemaining: applied.amountCentsRemaining === null ? null : used.remainingAmountCents,
    frequencyDurationRemaining: used.frequencyDurationRemaining,
    status: applied.status === "terminated" || used.terminated ? "terminated" : "active",
    terminatedAt: endings.sort()[0] ?? null,
  };
}
