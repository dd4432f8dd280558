import { describe, expect, it } from "vitest";
import { periodContaining } from "../periods.js";
import { unusedAdvanceFee } from "./unused-advance-fee.js";

const february = periodContaining(
  { interval: "monthly", billingTime: "calendar", anchorDate: "2023-02-08" },
  "UTC",
  "2023-02-08T00:00:00.000Z",
);
const base = {
  planAmountCents: 5000,
  feeAmountCents: 3750,
  period: february,
  terminatedOnDate: "2023-02-08",
  upgrade: false,
  trialEndDate: null,
};

describe("the unused part of a base fee paid in advance", () => {
  it("is the days after the termination day at the plan's daily price (Lago's February case: 20 days, 3571.43)", () => {
    const unused = unusedAdvanceFee(base);
    expect(unused?.unusedDays).toBe(20);
    expect(unused?.periodDays).toBe(28);
    expect(unused?.preciseAmountCents.toFixed(2)).toBe("3571.43");
    expect(unused?.amountCents).toBe(3571);
  });

  it("counts the upgrade day as unused, since the new plan bills it", () => {
    expect(unusedAdvanceFee({ ...base, upgrade: true })?.unusedDays).toBe(21);
  });

  it("is never more than the fee paid, and nothing on the period's last day or for a free fee", () => {
    expect(unusedAdvanceFee({ ...base, feeAmountCents: 1000 })?.amountCents).toBe(1000);
    expect(unusedAdvanceFee({ ...base, terminatedOnDate: "2023-02-28" })).toBeNull();
    expect(unusedAdvanceFee({ ...base, feeAmountCents: 0 })).toBeNull();
  });

  it("leaves out days still in trial, never paid for", () => {
    expect(unusedAdvanceFee({ ...base, trialEndDate: "2023-02-18" })?.unusedDays).toBe(11);
    expect(unusedAdvanceFee({ ...base, trialEndDate: "2023-03-18" })).toBeNull();
  });
});
