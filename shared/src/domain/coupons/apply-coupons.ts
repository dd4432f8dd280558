import type Decimal from "decimal.js";
import { decimal, roundHalfUp } from "../money.js";

export type CouponFrequency = "once" | "recurring" | "forever";

/** A coupon as applied to a customer, with what it has left to give. */
export interface AppliedCouponState {
  readonly id: string;
  readonly couponType: "fixed_amount" | "percentage";
  /** A fixed coupon's amount, in minor units of `amountCurrency`. */
  readonly amountCents: number;
  readonly amountCurrency: string | null;
  /** A percentage coupon's rate, in percent. */
  readonly percentageRate: string | null;
  readonly frequency: CouponFrequency;
  /** Invoices a recurring coupon still applies to. */
  readonly frequencyDurationRemaining: number | null;
  /** What a `once` fixed coupon has not given yet (its amount less its active credits). */
  readonly remainingAmountCents: number;
  /** Plans (their ids, parents and overrides alike) the coupon is limited to; empty: any. */
  readonly limitedPlanIds: readonly string[];
  /** Billable metrics the coupon is limited to; empty: any. */
  readonly limitedBillableMetricIds: readonly string[];
  readonly createdAt: string;
}

/** A fee of the invoice being finalized, as coupons see it. */
export interface CouponableFee {
  readonly id: string;
  readonly amountCents: number;
  /** The plan of the fee's subscription; null for one-off fees. */
  readonly planId: string | null;
  /** The metric of a charge fee; null for other fees. */
  readonly billableMetricId: string | null;
}

/** One coupon's credit on the invoice (Lago's `credits` entry of an applied coupon). */
export interface CouponCredit {
  readonly appliedCouponId: string;
  readonly amountCents: number;
}

/** What an applied coupon has left after the invoice, and whether it is used up. */
export interface AppliedCouponAfter {
  readonly id: string;
  readonly remainingAmountCents: number;
  readonly frequencyDurationRemaining: number | null;
  readonly terminated: boolean;
}

export interface CouponsOnInvoice {
  readonly credits: readonly CouponCredit[];
  readonly couponsAmountCents: number;
  /** Each fee's share of the coupons, unrounded (Lago's `precise_coupons_amount_cents`). */
  readonly feeCoupons: ReadonlyMap<string, string>;
  readonly appliedCoupons: readonly AppliedCouponAfter[];
}

/** Lago's order: coupons limited to metrics first, then to plans, then the rest, oldest first in each. */
const rank = (coupon: AppliedCouponState) =>
  coupon.limitedBillableMetricIds.length > 0 ? 0 : coupon.limitedPlanIds.length > 0 ? 1 : 2;

const inOrder = (coupons: readonly AppliedCouponState[]) =>
  [...coupons].sort((a, b) => rank(a) - rank(b) || a.createdAt.localeCompare(b.createdAt));

/** The fees a coupon applies to: those of its metrics, else of its plans, else all. */
function feesOf(coupon: AppliedCouponState, fees: readonly CouponableFee[]): CouponableFee[] {
  if (coupon.limitedBillableMetricIds.length > 0)
    return fees.filter(
      (fee) =>
        fee.billableMetricId !== null && coupon.limitedBillableMetricIds.includes(fee.billableMetricId),
    );
  if (coupon.limitedPlanIds.length > 0)
    return fees.filter((fee) => fee.planId !== null && coupon.limitedPlanIds.includes(fee.planId));
  return [...fees];
}

/** What a coupon gives on `base` (Lago's applied coupon amount): never more than the base. */
function couponAmount(coupon: AppliedCouponState, base: number): number {
  if (coupon.couponType === "percentage") {
    const discount = decimal(base)
      .times(coupon.percentageRate ?? 0)
      .dividedBy(100);
    return discount.greaterThanOrEqualTo(base) ? base : roundHalfUp(discount);
  }
  const offered = coupon.frequency === "once" ? coupon.remainingAmountCents : coupon.amountCents;
  return Math.min(offered, base);
}

/**
 * The customer's active coupons on an invoice before taxes, as Lago applies them: in Lago's order,
 * each on what its fees still carry after the coupons before it, its credit spread over those fees
 * pro rata of what they still carry (never more than a fee's amount), until nothing is left. A
 * fixed coupon in another currency gives nothing. A `once` coupon ends when a percentage is
 * applied or its amount is used up; a recurring one when its invoices are counted down; a
 * `forever` one never.
 */
export function applyCoupons(
  invoice: { readonly currency: string; readonly fees: readonly CouponableFee[] },
  coupons: readonly AppliedCouponState[],
): CouponsOnInvoice {
  const shares = new Map<string, Decimal>(invoice.fees.map((fee) => [fee.id, decimal(0)]));
  const carried = (fee: CouponableFee) => decimal(fee.amountCents).minus(shares.get(fee.id) ?? 0);
  const credits: CouponCredit[] = [];
  const after: AppliedCouponAfter[] = [];
  let couponsAmountCents = 0;
  const feesAmountCents = invoice.fees.reduce((sum, fee) => sum + fee.amountCents, 0);

  for (const coupon of inOrder(coupons)) {
    const subTotal = feesAmountCents - couponsAmountCents;
    if (subTotal <= 0) break;
    if (coupon.couponType === "fixed_amount" && coupon.amountCurrency !== invoice.currency) continue;
    const fees = feesOf(coupon, invoice.fees);
    if (fees.length === 0) continue;
    const limited = coupon.limitedBillableMetricIds.length > 0 || coupon.limitedPlanIds.length > 0;
    // Lago's base: what the coupon's fees still carry when it is limited, else the invoice's subtotal.
    const weighting = limited
      ? fees.reduce((sum, fee) => sum.plus(carried(fee)), decimal(0))
      : decimal(subTotal);
    const amountCents = couponAmount(coupon, roundHalfUp(weighting));
    for (const fee of fees) {
      if (weighting.isZero()) break;
      const share = (shares.get(fee.id) ?? decimal(0)).plus(
        decimal(amountCents).times(carried(fee)).dividedBy(weighting),
      );
      shares.set(fee.id, share.greaterThan(fee.amountCents) ? decimal(fee.amountCents) : share);
    }
    credits.push({ appliedCouponId: coupon.id, amountCents });
    couponsAmountCents += amountCents;

    const frequencyDurationRemaining =
      coupon.frequency === "recurring"
        ? Math.max((coupon.frequencyDurationRemaining ?? 0) - 1, 0)
        : coupon.frequencyDurationRemaining;
    const remainingAmountCents =
      coupon.frequency === "once" ? coupon.remainingAmountCents - amountCents : coupon.remainingAmountCents;
    const terminated =
      coupon.frequency === "once"
        ? coupon.couponType === "percentage" || remainingAmountCents <= 0
        : coupon.frequency === "recurring" && (frequencyDurationRemaining ?? 0) <= 0;
    after.push({ id: coupon.id, remainingAmountCents, frequencyDurationRemaining, terminated });
  }

  return {
    credits,
    couponsAmountCents,
    feeCoupons: new Map([...shares].map(([id, share]) => [id, share.toString()])),
    appliedCoupons: after,
  };
}

/**
 * An applied coupon given back what a voided invoice took (Lago's recredit): a `once` fixed
 * coupon its amount, a recurring one an invoice more, and either made active again if that
 * credit ended it. A `forever` coupon never ended, so nothing changes for it.
 */
export function recreditCoupon(
  coupon: AppliedCouponAfter & Pick<AppliedCouponState, "frequency">,
  credit: CouponCredit,
) {
  if (coupon.frequency === "forever") return { ...coupon };
  return {
    ...coupon,
    remainingAmountCents:
      coupon.frequency === "once"
        ? coupon.remainingAmountCents + credit.amountCents
        : coupon.remainingAmountCents,
    frequencyDurationRemaining:
      coupon.frequency === "recurring"
        ? (coupon.frequencyDurationRemaining ?? 0) + 1
        : coupon.frequencyDurationRemaining,
    terminated: false,
  };
}
