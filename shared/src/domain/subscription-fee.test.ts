import { describe, expect, it } from "vitest";
import { periodContaining } from "./periods.js";
import { inArrearsSubscriptionFee } from "./subscription-fee.js";

const plan = { amountCents: 100, amountCurrency: "EUR" };

it("prorates a calendar month started on the 15th: 17/31 × 100 = 54.84 → 55 (subscription_service_spec)", () => {
  const period = periodContaining(
    { interval: "monthly", billingTime: "calendar", anchorDate: "2022-03-15" },
    "UTC",
    "2022-03-15T10:00:00.000Z",
  );
  const fee = inArrearsSubscriptionFee(plan, period, "2022-03-15");
  expect([fee.billedDays, fee.periodDays, fee.amountCents]).toEqual([17, 31, 55]);
});

it("prorates a week started on a Wednesday: 5/7 × 100 → 71", () => {
  const period = periodContaining(
    { interval: "weekly", billingTime: "calendar", anchorDate: "2022-06-22" },
    "UTC",
    "2022-06-22T10:00:00.000Z",
  );
  expect(inArrearsSubscriptionFee(plan, period, "2022-06-22").amountCents).toBe(71);
});

it("bills a full period in full", () => {
  const period = periodContaining(
    { interval: "monthly", billingTime: "calendar", anchorDate: "2022-01-01" },
    "UTC",
    "2022-04-10T10:00:00.000Z",
  );
  expect(
    inArrearsSubscriptionFee({ amountCents: 19_900, amountCurrency: "USD" }, period, "2022-01-01")
      .amountCents,
  ).toBe(19_900);
});

it("bills a termination through its own day: quarterly 91,000 terminated on day 32 → 32,000 (upgrade_proration_spec)", () => {
  const period = periodContaining(
    { interval: "quarterly", billingTime: "calendar", anchorDate: "2024-04-01" },
    "UTC",
    "2024-05-20T10:00:00.000Z",
  );
  // Started May 20 in a 91-day quarter, ended June 20: 32 days at 1,000 a day.
  const fee = inArrearsSubscriptionFee(
    { amountCents: 91_000, amountCurrency: "USD" },
    period,
    "2024-05-20",
    "2024-06-20",
  );
  expect([fee.billedDays, fee.periodDays, fee.amountCents]).toEqual([32, 91, 32_000]);
});

describe("free trials (subscription_service_spec)", () => {
  const march = periodContaining(
    { interval: "monthly", billingTime: "calendar", anchorDate: "2022-03-01" },
    "UTC",
    "2022-03-15T10:00:00.000Z",
  );
  const week = periodContaining(
    { interval: "weekly", billingTime: "calendar", anchorDate: "2022-06-22" },
    "UTC",
    "2022-06-22T10:00:00.000Z",
  );

  it("bills from the day a trial ends: started Mar 15 with 3 days → 14/31 → 45; started Mar 1 → 28/31 → 90", () => {
    expect(inArrearsSubscriptionFee(plan, march, "2022-03-15", march.toDate, "2022-03-18").amountCents).toBe(
      45,
    );
    expect(inArrearsSubscriptionFee(plan, march, "2022-03-01", march.toDate, "2022-03-04").amountCents).toBe(
      90,
    );
  });

  it("bills weeks after a trial: 2/7 → 29, 4/7 → 57", () => {
    expect(inArrearsSubscriptionFee(plan, week, "2022-06-22", week.toDate, "2022-06-25").amountCents).toBe(
      29,
    );
    expect(inArrearsSubscriptionFee(plan, week, "2022-06-22", week.toDate, "2022-06-23").amountCents).toBe(
      57,
    );
  });

  it("bills nothing while the trial lasts through the period", () => {
    expect(inArrearsSubscriptionFee(plan, march, "2022-03-15", march.toDate, "2022-04-14").amountCents).toBe(
      0,
    );
    expect(inArrearsSubscriptionFee(plan, march, "2022-03-15", march.toDate, "2022-03-31").amountCents).toBe(
      0,
    );
  });
});
