import { describe, expect, it } from "vitest";
import type { Coupon } from "#shared/domain/coupons/coupon.js";
import { lagoDecimal, serializeCoupon } from "./serialize.js";

const coupon: Coupon = {
  id: "c1",
  organizationId: "org",
  name: "Tenth",
  code: "tenth",
  description: null,
  couponType: "percentage",
  amountCents: null,
  amountCurrency: null,
  percentageRate: "10",
  frequency: "forever",
  frequencyDuration: null,
  reusable: true,
  expiration: "time_limit",
  expirationAt: "2026-04-01T00:00:00.000Z",
  limitedPlanIds: ["p2"],
  limitedBillableMetricIds: [],
  appliedCount: 0,
  terminatedAt: null,
  deletedAt: null,
  createdAt: "2026-03-01T00:00:00.000Z",
};

describe("lagoDecimal", () => {
  it("writes a rate as Lago's decimal column does", () => {
    expect(lagoDecimal("10")).toBe("10.0");
    expect(lagoDecimal("12.50")).toBe("12.5");
    expect(lagoDecimal("0.00001")).toBe("0.00001");
    expect(lagoDecimal(null)).toBeNull();
  });
});

describe("serializeCoupon", () => {
  const targets = {
    plans: [
      { id: "p1", code: "starter" },
      { id: "p2", code: "pro" },
    ],
    metrics: [],
  };

  it("names the plans it is limited to by their codes now", () => {
    expect(serializeCoupon(coupon, targets, "2026-03-10T00:00:00.000Z")).toMatchObject({
      limited_plans: true,
      plan_codes: ["pro"],
      limited_billable_metrics: false,
      billable_metric_codes: [],
      percentage_rate: "10.0",
      terminated_at: null,
    });
  });

  it("shows a coupon past its expiration terminated at that instant", () => {
    expect(serializeCoupon(coupon, targets, "2026-04-02T00:00:00.000Z").terminated_at).toBe(
      "2026-04-01T00:00:00.000Z",
    );
  });
});
