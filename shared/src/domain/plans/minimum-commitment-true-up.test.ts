import { describe, expect, it } from "vitest";
import { minimumCommitmentTrueUp } from "./minimum-commitment-true-up.js";

describe("minimumCommitmentTrueUp", () => {
  it("bills the commitment less the base fee and charge fees of a whole period", () => {
    // Commitment 10000; base fee 1000 and charge fees 2000 + 500.5 → 10000 − 3501 = 6499.
    const trueUp = minimumCommitmentTrueUp({
      commitmentAmountCents: 10_000,
      billedDays: 31,
      periodDays: 31,
      fees: [
        { amountCents: 1000, preciseAmountCents: "1000" },
        { amountCents: 2000, preciseAmountCents: "2000" },
        { amountCents: 501, preciseAmountCents: "500.5" },
      ],
    });
    expect(trueUp?.commitmentAmountCents).toBe(10_000);
    expect(trueUp?.amountCents).toBe(6499);
    expect(trueUp?.preciseAmountCents.toString()).toBe("6499.5");
  });

  it("prorates the first period from the subscription's start: 17 of 31 days of 10000 → 5484", () => {
    // 10000 × 17 / 31 = 5483.87… → 5484; fees 548 + 1000 = 1548 → 3936.
    const trueUp = minimumCommitmentTrueUp({
      commitmentAmountCents: 10_000,
      billedDays: 17,
      periodDays: 31,
      fees: [
        { amountCents: 548, preciseAmountCents: "548.387" },
        { amountCents: 1000, preciseAmountCents: "1000" },
      ],
    });
    expect(trueUp?.commitmentAmountCents).toBe(5484);
    expect(trueUp?.amountCents).toBe(3936);
    expect(trueUp?.preciseAmountCents.toString()).toBe("3935.613");
  });

  it("bills nothing when the fees reach the commitment, or without one", () => {
    const fees = [{ amountCents: 10_000, preciseAmountCents: "10000" }];
    expect(
      minimumCommitmentTrueUp({ commitmentAmountCents: 10_000, billedDays: 30, periodDays: 30, fees }),
    ).toBeNull();
    expect(
      minimumCommitmentTrueUp({ commitmentAmountCents: 0, billedDays: 30, periodDays: 30, fees: [] }),
    ).toBeNull();
  });

  it("bills the whole prorated commitment of a period with no fees: a termination after 10 of 30 days of 1000 → 333", () => {
    const trueUp = minimumCommitmentTrueUp({
      commitmentAmountCents: 1000,
      billedDays: 10,
      periodDays: 30,
      fees: [],
    });
    expect(trueUp?.amountCents).toBe(333);
    expect(trueUp?.preciseAmountCents.toString()).toBe("333");
  });

  it("rounds the prorated commitment half to even, as Lago's Money: 1000 × 1/16 = 62.5 → 62, 1000 × 3/16 = 187.5 → 188", () => {
    const of = (billedDays: number) =>
      minimumCommitmentTrueUp({ commitmentAmountCents: 1000, billedDays, periodDays: 16, fees: [] })
        ?.commitmentAmountCents;
    expect(of(1)).toBe(62);
    expect(of(3)).toBe(188);
  });
});
