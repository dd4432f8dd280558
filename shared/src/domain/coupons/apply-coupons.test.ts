import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { decimal } from "../money.js";
import {
  type AppliedCouponState,
  applyCoupons,
  type CouponableFee,
  recreditCoupon,
} from "./apply-coupons.js";

const coupon = (over: Partial<AppliedCouponState> & Pick<AppliedCouponState, "id">): AppliedCouponState => ({
  couponType: "fixed_amount",
  amountCents: 0,
  amountCurrency: "EUR",
  percentageRate: null,
  frequency: "forever",
  frequencyDurationRemaining: null,
  remainingAmountCents: over.amountCents ?? 0,
  limitedPlanIds: [],
  limitedBillableMetricIds: [],
  createdAt: "2026-01-01T00:00:00.000Z",
  ...over,
});

// Lago's credit note scenario: plans of 179.00 and 399.00, a fixed 250.00 coupon limited to the second.
const fees: CouponableFee[] = [
  { id: "plan1", amountCents: 17_900, planId: "p1", billableMetricId: null },
  { id: "plan2", amountCents: 39_900, planId: "p2", billableMetricId: null },
];
const onInvoice = (coupons: AppliedCouponState[], invoiceFees = fees) =>
  applyCoupons({ currency: "EUR", fees: invoiceFees }, coupons);

describe("coupons on an invoice, before taxes", () => {
  it("Lago's scenario: 250.00 limited to the second plan is all on its fee", () => {
    const applied = onInvoice([coupon({ id: "c", amountCents: 25_000, limitedPlanIds: ["p2"] })]);
    expect(applied.couponsAmountCents).toBe(25_000);
    expect(Object.fromEntries(applied.feeCoupons)).toEqual({ plan1: "0", plan2: "25000" });
    expect(applied.credits).toEqual([{ appliedCouponId: "c", amountCents: 25_000 }]);
  });

  it("a percentage is rounded once and spread over the fees pro rata", () => {
    const applied = onInvoice([coupon({ id: "c", couponType: "percentage", percentageRate: "12.5" })]);
    // 12.5% of 578.00 = 72.25, of which 179/578 on the first fee.
    expect(applied.couponsAmountCents).toBe(7_225);
    expect(decimal(applied.feeCoupons.get("plan1") as string).toFixed(4)).toBe("2237.5000");
    expect(decimal(applied.feeCoupons.get("plan2") as string).toFixed(4)).toBe("4987.5000");
  });

  it("metric coupons go first, then plan coupons, then the rest, each on what is left", () => {
    const charged: CouponableFee[] = [
      ...fees,
      { id: "storage", amountCents: 1_000, planId: "p1", billableMetricId: "gb" },
    ];
    const applied = onInvoice(
      [
        coupon({
          id: "any",
          couponType: "percentage",
          percentageRate: "100",
          createdAt: "2025-01-01T00:00:00Z",
        }),
        coupon({ id: "plan", amountCents: 500, limitedPlanIds: ["p1"] }),
        coupon({ id: "metric", amountCents: 400, limitedBillableMetricIds: ["gb"] }),
      ],
      charged,
    );
    expect(applied.credits).toEqual([
      { appliedCouponId: "metric", amountCents: 400 },
      { appliedCouponId: "plan", amountCents: 500 },
      // The rest of the invoice: 588.00 less 9.00.
      { appliedCouponId: "any", amountCents: 57_900 },
    ]);
    expect(applied.couponsAmountCents).toBe(58_800);
    for (const fee of charged)
      expect(decimal(applied.feeCoupons.get(fee.id) as string).toNumber()).toBe(fee.amountCents);
  });

  it("a once coupon gives its amount over several invoices, then ends; a recurring one counts its invoices down", () => {
    const small = [{ id: "f", amountCents: 6_000, planId: "p1", billableMetricId: null }];
    const first = onInvoice([coupon({ id: "c", amountCents: 10_000, frequency: "once" })], small);
    expect(first.credits[0]?.amountCents).toBe(6_000);
    expect(first.appliedCoupons[0]).toEqual({
      id: "c",
      remainingAmountCents: 4_000,
      frequencyDurationRemaining: null,
      terminated: false,
    });
    const second = onInvoice(
      [coupon({ id: "c", amountCents: 10_000, frequency: "once", remainingAmountCents: 4_000 })],
      small,
    );
    expect(second.credits[0]?.amountCents).toBe(4_000);
    expect(second.appliedCoupons[0]?.terminated).toBe(true);

    const recurring = (left: number) =>
      onInvoice(
        [coupon({ id: "r", amountCents: 1_000, frequency: "recurring", frequencyDurationRemaining: left })],
        small,
      ).appliedCoupons[0];
    expect(recurring(3)).toMatchObject({ frequencyDurationRemaining: 2, terminated: false });
    expect(recurring(1)).toMatchObject({ frequencyDurationRemaining: 0, terminated: true });
    const once = onInvoice(
      [coupon({ id: "p", couponType: "percentage", percentageRate: "10", frequency: "once" })],
      small,
    );
    expect(once.appliedCoupons[0]?.terminated).toBe(true);
  });

  it("gives nothing in another currency, on no fee of its plans, or once the invoice is at zero", () => {
    expect(onInvoice([coupon({ id: "usd", amountCents: 100, amountCurrency: "USD" })]).credits).toEqual([]);
    expect(onInvoice([coupon({ id: "other", amountCents: 100, limitedPlanIds: ["p9"] })]).credits).toEqual(
      [],
    );
    const zeroed = onInvoice([
      coupon({ id: "all", couponType: "percentage", percentageRate: "100" }),
      coupon({ id: "late", amountCents: 100, createdAt: "2026-02-01T00:00:00Z" }),
    ]);
    expect(zeroed.credits.map((credit) => credit.appliedCouponId)).toEqual(["all"]);
  });

  it("a voided invoice's credit is given back: a once coupon its amount, a recurring one an invoice", () => {
    const credit = { appliedCouponId: "c", amountCents: 4_000 };
    expect(
      recreditCoupon(
        {
          id: "c",
          frequency: "once",
          remainingAmountCents: 0,
          frequencyDurationRemaining: null,
          terminated: true,
        },
        credit,
      ),
    ).toMatchObject({ remainingAmountCents: 4_000, terminated: false });
    expect(
      recreditCoupon(
        {
          id: "c",
          frequency: "recurring",
          remainingAmountCents: 0,
          frequencyDurationRemaining: 0,
          terminated: true,
        },
        credit,
      ),
    ).toMatchObject({ frequencyDurationRemaining: 1, terminated: false });
  });

  it("never takes more than a fee carries, and the fees' shares add up to the coupons", () => {
    const feeArb = fc.array(
      fc.record({
        amountCents: fc.integer({ min: 0, max: 500_000 }),
        planId: fc.constantFrom("p1", "p2", null),
        billableMetricId: fc.constantFrom("gb", null),
      }),
      { minLength: 1, maxLength: 5 },
    );
    const couponArb = fc.array(
      fc.record({
        couponType: fc.constantFrom("fixed_amount" as const, "percentage" as const),
        amountCents: fc.integer({ min: 0, max: 300_000 }),
        percentageRate: fc.constantFrom("5", "12.5", "33.333", "100"),
        limit: fc.constantFrom("none", "plan", "metric"),
      }),
      { maxLength: 4 },
    );
    fc.assert(
      fc.property(feeArb, couponArb, (feeSpecs, couponSpecs) => {
        const invoiceFees = feeSpecs.map((spec, index) => ({ id: `f${index}`, ...spec }));
        const applied = onInvoice(
          couponSpecs.map((spec, index) =>
            coupon({
              id: `c${index}`,
              couponType: spec.couponType,
              amountCents: spec.amountCents,
              percentageRate: spec.percentageRate,
              limitedPlanIds: spec.limit === "plan" ? ["p1"] : [],
              limitedBillableMetricIds: spec.limit === "metric" ? ["gb"] : [],
            }),
          ),
          invoiceFees,
        );
        const total = invoiceFees.reduce((sum, fee) => sum + fee.amountCents, 0);
        expect(applied.couponsAmountCents).toBeLessThanOrEqual(total);
        let shares = decimal(0);
        for (const fee of invoiceFees) {
          const share = decimal(applied.feeCoupons.get(fee.id) as string);
          expect(share.lessThanOrEqualTo(fee.amountCents)).toBe(true);
          shares = shares.plus(share);
        }
        expect(shares.minus(applied.couponsAmountCents).abs().lessThan(1)).toBe(true);
      }),
      { numRuns: 300 },
    );
  });
});
