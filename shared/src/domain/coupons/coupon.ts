import type { AppliedCouponState, CouponFrequency } from "./apply-coupons.js";

export type CouponType = "fixed_amount" | "percentage";
export type CouponExpiration = "no_expiration" | "time_limit";
export type CouponStatus = "active" | "terminated";

/** A coupon of the catalog, as Lago's coupons API makes it. */
export interface Coupon {
  readonly id: string;
  readonly organizationId: string;
  readonly name: string;
  readonly code: string;
  readonly description: string | null;
  readonly couponType: CouponType;
  /** A fixed coupon's amount, in minor units of `amountCurrency`. */
  readonly amountCents: number | null;
  readonly amountCurrency: string | null;
  /** A percentage coupon's rate, in percent, as a decimal string. */
  readonly percentageRate: string | null;
  readonly frequency: CouponFrequency;
  readonly frequencyDuration: number | null;
  /** Whether one customer may be given it more than once. */
  readonly reusable: boolean;
  readonly expiration: CouponExpiration;
  readonly expirationAt: string | null;
  /**
   * What it is limited to, by id (codes can be renamed; ids are what invoices' fees carry). At
   * most one of the two lists is non-empty.
   */
  readonly limitedPlanIds: readonly string[];
  readonly limitedBillableMetricIds: readonly string[];
  /** Applications so far, terminated ones included: once one exists, only a few fields may change. */
  readonly appliedCount: number;
  readonly terminatedAt: string | null;
  /** When it was deleted (Lago's `deleted_at`); a deleted coupon is only read for its applications. */
  readonly deletedAt: string | null;
  readonly createdAt: string;
}

/** A coupon given to a customer (Lago's applied coupon), with what it still has to give. */
export interface AppliedCoupon {
  readonly id: string;
  readonly organizationId: string;
  readonly couponId: string;
  /** The coupon's code when applied: it cannot change while it has applications. */
  readonly couponCode: string;
  readonly customerId: string;
  readonly externalCustomerId: string;
  readonly amountCents: number | null;
  readonly amountCurrency: string | null;
  readonly percentageRate: string | null;
  readonly frequency: CouponFrequency;
  readonly frequencyDuration: number | null;
  readonly frequencyDurationRemaining: number | null;
  /**
   * What a fixed amount has not given yet (its amount less its credits), kept by invoicing as it
   * credits invoices; null for a percentage.
   */
  readonly amountCentsRemaining: number | null;
  readonly status: CouponStatus;
  readonly terminatedAt: string | null;
  readonly createdAt: string;
}

/**
 * A coupon's status at `now`. Lago's clock marks a coupon past its `expiration_at` terminated
 * within the hour; here it is terminated from that instant, whenever it is read.
 */
export function couponStatus(
  coupon: Pick<Coupon, "terminatedAt" | "expiration" | "expirationAt">,
  now: string,
): { status: CouponStatus; terminatedAt: string | null } {
  if (coupon.terminatedAt) return { status: "terminated", terminatedAt: coupon.terminatedAt };
  if (
    coupon.expiration === "time_limit" &&
    coupon.expirationAt &&
    Date.parse(coupon.expirationAt) < Date.parse(now)
  )
    return { status: "terminated", terminatedAt: coupon.expirationAt };
  return { status: "active", terminatedAt: null };
}

/** What a limited coupon reaches: its plans and metrics, and through charges, each other's. */
export interface CouponReach {
  readonly planIds: readonly string[];
  readonly billableMetricIds: readonly string[];
}

/**
 * Whether two coupons' limits overlap (Lago's `plan_overlapping`): a plan or metric in common, or
 * a plan of one charging a metric of the other. An unlimited coupon overlaps nothing.
 * `metricsOfPlan` gives the metrics a plan's charges bill.
 */
export function limitsOverlap(
  a: CouponReach,
  b: CouponReach,
  metricsOfPlan: (planId: string) => readonly string[],
): boolean {
  const shares = (x: readonly string[], y: readonly string[]) => x.some((id) => y.includes(id));
  const charged = (planIds: readonly string[]) => planIds.flatMap(metricsOfPlan);
  return (
    shares(a.planIds, b.planIds) ||
    shares(a.billableMetricIds, b.billableMetricIds) ||
    shares(charged(a.planIds), b.billableMetricIds) ||
    shares(a.billableMetricIds, charged(b.planIds))
  );
}

/**
 * An applied coupon as invoicing applies it (`applyCoupons`): the coupon's type and limits, the
 * application's amounts. A coupon limited to plans reaches their overridden children too, as
 * Lago's does; `plans` are the organization's child plans (or any plans: only children count).
 */
export function appliedCouponState(
  applied: AppliedCoupon,
  coupon: Pick<Coupon, "couponType" | "limitedPlanIds" | "limitedBillableMetricIds">,
  plans: readonly { readonly id: string; readonly parentId?: string | null }[] = [],
): AppliedCouponState {
  const children = plans
    .filter((plan) => plan.parentId && coupon.limitedPlanIds.includes(plan.parentId))
    .map((plan) => plan.id);
  return {
    id: applied.id,
    couponType: coupon.couponType,
    amountCents: applied.amountCents ?? 0,
    amountCurrency: applied.amountCurrency,
    percentageRate: applied.percentageRate,
    frequency: applied.frequency,
    frequencyDurationRemaining: applied.frequencyDurationRemaining,
    remainingAmountCents: applied.amountCentsRemaining ?? applied.amountCents ?? 0,
    limitedPlanIds: [...new Set([...coupon.limitedPlanIds, ...children])],
    limitedBillableMetricIds: [...coupon.limitedBillableMetricIds],
    createdAt: applied.createdAt,
  };
}
