import { describe, expect, it } from "vitest";
import { applyCoupons } from "./apply-coupons.js";
import { type AppliedCoupon, appliedCouponState, couponStatus, limitsOverlap } from "./coupon.js";

const applied = (over: Partial<AppliedCoupon> = {}): AppliedCoupon => ({
  id: "ac1",
  organizationId: "org",
  couponId: "c1",
  couponCode: "welcome",
  customerId: "cus",
  externalCustomerId: "ext",
  amountCents: 1_000,
  amountCurrency: "EUR",
  percentageRate: null,
  frequency: "once",
  frequencyDuration: null,
  frequencyDurationRemaining: null,
  amountCentsRemaining: 400,
  status: "active",
  terminatedAt: null,
  createdAt: "2026-03-01T00:00:00.000Z",
  ...over,
});

describe("couponStatus", () => {
  const limited = {
    terminatedAt: null,
    expiration: "time_limit",
    expirationAt: "2026-04-01T00:00:00.000Z",
  } as const;

  it("is active until a time-limited coupon's expiration, then terminated from that instant", () => {
    expect(couponStatus(limited, "2026-03-31T23:59:59.999Z")).toEqual({
      status: "active",
      terminatedAt: null,
    });
    expect(couponStatus(limited, "2026-04-01T00:00:00.001Z")).toEqual({
      status: "terminated",
      terminatedAt: "2026-04-01T00:00:00.000Z",
    });
  });

  it("never expires a coupon without a time limit, and keeps a termination already recorded", () => {
    const forever = { terminatedAt: null, expiration: "no_expiration", expirationAt: null } as const;
    expect(couponStatus(forever, "2100-01-01T00:00:00.000Z").status).toBe("active");
    const ended = { ...limited, terminatedAt: "2026-03-15T00:00:00.000Z" };
    expect(couponStatus(ended, "2026-03-10T00:00:00.000Z")).toEqual({
      status: "terminated",
      terminatedAt: "2026-03-15T00:00:00.000Z",
    });
  });
});

describe("limitsOverlap", () => {
  const charges: Record<string, string[]> = { pro: ["calls", "seats"], lite: ["storage"] };
  const metricsOf = (planId: string) => charges[planId] ?? [];
  const reach = (planIds: string[], billableMetricIds: string[] = []) => ({ planIds, billableMetricIds });

  it("overlaps on a common plan or metric, and on a plan charging the other's metric", () => {
    expect(limitsOverlap(reach(["pro"]), reach(["pro", "lite"]), metricsOf)).toBe(true);
    expect(limitsOverlap(reach([], ["calls"]), reach([], ["calls"]), metricsOf)).toBe(true);
    expect(limitsOverlap(reach(["pro"]), reach([], ["seats"]), metricsOf)).toBe(true);
    expect(limitsOverlap(reach([], ["storage"]), reach(["lite"]), metricsOf)).toBe(true);
  });

  it("does not overlap on unrelated limits, nor with an unlimited coupon", () => {
    expect(limitsOverlap(reach(["pro"]), reach(["lite"]), metricsOf)).toBe(false);
    expect(limitsOverlap(reach(["pro"]), reach([], ["storage"]), metricsOf)).toBe(false);
    expect(limitsOverlap(reach(["pro"]), reach([]), metricsOf)).toBe(false);
    expect(limitsOverlap(reach([]), reach([]), metricsOf)).toBe(false);
  });
});

describe("appliedCouponState", () => {
  it("carries the application's terms and remainder, the coupon's type and limits", () => {
    const state = appliedCouponState(applied(), {
      couponType: "fixed_amount",
      limitedPlanIds: [],
      limitedBillableMetricIds: ["calls"],
    });
    expect(state).toEqual({
      id: "ac1",
      couponType: "fixed_amount",
      amountCents: 1_000,
      amountCurrency: "EUR",
      percentageRate: null,
      frequency: "once",
      frequencyDurationRemaining: null,
      remainingAmountCents: 400,
      limitedPlanIds: [],
      limitedBillableMetricIds: ["calls"],
      createdAt: "2026-03-01T00:00:00.000Z",
    });
  });

  it("reaches the overridden children of the plans it is limited to, and no other plan", () => {
    const state = appliedCouponState(
      applied({ amountCentsRemaining: 1_000 }),
      { couponType: "fixed_amount", limitedPlanIds: ["pro"], limitedBillableMetricIds: [] },
      [{ id: "pro" }, { id: "pro-child", parentId: "pro" }, { id: "lite-child", parentId: "lite" }],
    );
    expect(state.limitedPlanIds).toEqual(["pro", "pro-child"]);
    // A fee of the child plan gets the coupon; one of another plan's child does not.
    const result = applyCoupons(
      {
        currency: "EUR",
        fees: [
          { id: "f1", amountCents: 5_000, planId: "pro-child", billableMetricId: null },
          { id: "f2", amountCents: 5_000, planId: "lite-child", billableMetricId: null },
        ],
      },
      [state],
    );
    expect(result.credits).toEqual([{ appliedCouponId: "ac1", amountCents: 1_000 }]);
    expect(result.feeCoupons.get("f2")).toBe("0");
  });

  it("gives a percentage coupon its rate and no amount", () => {
    const state = appliedCouponState(
      applied({
        amountCents: null,
        amountCurrency: null,
        percentageRate: "12.5",
        amountCentsRemaining: null,
      }),
      { couponType: "percentage", limitedPlanIds: [], limitedBillableMetricIds: [] },
    );
    expect(state).toMatchObject({ couponType: "percentage", percentageRate: "12.5", amountCents: 0 });
    const result = applyCoupons(
      { currency: "EUR", fees: [{ id: "f", amountCents: 2_000, planId: null, billableMetricId: null }] },
      [state],
    );
    expect(result.couponsAmountCents).toBe(250);
  });
});
