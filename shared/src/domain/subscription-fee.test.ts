import { expect, it } from "vitest";
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
