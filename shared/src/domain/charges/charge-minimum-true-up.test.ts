import { describe, expect, it } from "vitest";
import { chargeMinimumTrueUp } from "./charge-minimum-true-up.js";

describe("chargeMinimumTrueUp", () => {
  it("bills the shortfall of a whole period (Lago's spec: minimum 1000, fee 700 → true-up 300)", () => {
    const trueUp = chargeMinimumTrueUp({
      minAmountCents: 1000,
      billedDays: 31,
      periodDays: 31,
      fees: [{ amountCents: 700, preciseAmountCents: "700" }],
    });
    expect(trueUp?.amountCents).toBe(300);
    expect(trueUp?.preciseAmountCents.toString()).toBe("300");
    expect(trueUp?.proratedMinimumCents.toString()).toBe("1000");
  });

  it("bills nothing when the fees reach the minimum, or when there is none", () => {
    const fees = [{ amountCents: 1500, preciseAmountCents: "1500" }];
    expect(chargeMinimumTrueUp({ minAmountCents: 1000, billedDays: 31, periodDays: 31, fees })).toBeNull();
    expect(
      chargeMinimumTrueUp({
        minAmountCents: 1000,
        billedDays: 31,
        periodDays: 31,
        fees: [{ amountCents: 1000, preciseAmountCents: "1000" }],
      }),
    ).toBeNull();
    expect(chargeMinimumTrueUp({ minAmountCents: 0, billedDays: 31, periodDays: 31, fees: [] })).toBeNull();
  });

  it("prorates the minimum by the days billed: 17 of 31 days of 1000 is 548.387…, less 200 → 348", () => {
    const trueUp = chargeMinimumTrueUp({
      minAmountCents: 1000,
      billedDays: 17,
      periodDays: 31,
      fees: [{ amountCents: 200, preciseAmountCents: "200" }],
    });
    // 1000 × 17 / 31 = 548.3870967…; 548.387… − 200 = 348.387… → 348.
    expect(trueUp?.amountCents).toBe(348);
    expect(trueUp?.preciseAmountCents.toFixed(6)).toBe("348.387097");
  });

  it("sums every fee of the charge (its filters' and groups'), rounded for the amount, unrounded for the precise amount", () => {
    const trueUp = chargeMinimumTrueUp({
      minAmountCents: 1000,
      billedDays: 30,
      periodDays: 30,
      fees: [
        { amountCents: 125, preciseAmountCents: "125.4" },
        { amountCents: 250, preciseAmountCents: "250.4" },
      ],
    });
    // 1000 − (125 + 250) = 625; 1000 − 375.8 = 624.2.
    expect(trueUp?.amountCents).toBe(625);
    expect(trueUp?.preciseAmountCents.toString()).toBe("624.2");
  });

  it("bills the whole prorated minimum when the charge had no usage: 10 of 30 days of 999 → 333", () => {
    const trueUp = chargeMinimumTrueUp({ minAmountCents: 999, billedDays: 10, periodDays: 30, fees: [] });
    expect(trueUp?.amountCents).toBe(333);
  });
});
