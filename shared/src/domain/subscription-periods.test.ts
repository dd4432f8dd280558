import { describe, expect, it } from "vitest";
import { billsChargesMonthly, planPeriodOf, subscriptionPeriodAt } from "./subscription-periods.js";

const subscription = { billingTime: "anniversary" as const, subscriptionAt: "2026-03-15T10:00:00.000Z" };

describe("a yearly plan billing its charges monthly", () => {
  it("counts usage by month, anchored on the subscription's day, and its base fee by year", () => {
    const plan = { interval: "yearly" as const, billChargesMonthly: true };
    const month = subscriptionPeriodAt(subscription, plan, "UTC", "2026-07-20T00:00:00.000Z");
    expect([month.fromDate, month.toDate, month.days]).toEqual(["2026-07-15", "2026-08-14", 31]);
    const year = planPeriodOf(subscription, plan, "UTC", month);
    expect([year.fromDate, year.toDate, year.days]).toEqual(["2026-03-15", "2027-03-14", 365]);
  });

  it("is only yearly and semiannual plans: a monthly or quarterly plan keeps one period", () => {
    expect(billsChargesMonthly({ interval: "semiannual", billChargesMonthly: true })).toBe(true);
    expect(billsChargesMonthly({ interval: "quarterly", billChargesMonthly: true })).toBe(false);
    expect(billsChargesMonthly({ interval: "yearly", billChargesMonthly: false })).toBe(false);
    const quarterly = { interval: "quarterly" as const, billChargesMonthly: true };
    const quarter = subscriptionPeriodAt(subscription, quarterly, "UTC", "2026-07-20T00:00:00.000Z");
    expect(planPeriodOf(subscription, quarterly, "UTC", quarter)).toBe(quarter);
    expect([quarter.fromDate, quarter.toDate]).toEqual(["2026-06-15", "2026-09-14"]);
  });
});
