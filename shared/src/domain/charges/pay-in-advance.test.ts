import { describe, expect, it } from "vitest";
import type { Charge } from "../catalog.js";
import { decimal, toMinorUnits } from "../money.js";
import type { ChargeUsage } from "./charge-usage.js";
import { payInAdvanceFee } from "./pay-in-advance.js";
import { type SumAdvanceState, sumPayInAdvanceStep } from "./sum-pay-in-advance.js";

type AdvanceCharge = Pick<Charge, "chargeModel" | "properties">;

/** Fees in cents of a count_agg charge, one event at a time. */
function countFees(charge: AdvanceCharge, events: number): number[] {
  const fees: number[] = [];
  for (let n = 1; n <= events; n += 1) {
    const before = { units: decimal(n - 1), eventsCount: n - 1 };
    const after = { units: decimal(n), eventsCount: n };
    fees.push(toMinorUnits(payInAdvanceFee(charge, before, after, "EUR").amount, "EUR"));
  }
  return fees;
}

/**
 * Fees (cents) and units of a sum_agg charge, one event at a time: "before" is the usage with
 * the event minus the rise of the running maximum, as Lago bills sums in advance.
 */
function sumFees(charge: AdvanceCharge, values: number[]): { cents: number; units: string }[] {
  let state: SumAdvanceState | null = null;
  const seen: number[] = [];
  return values.map((value) => {
    seen.push(value);
    const step = sumPayInAdvanceStep(state, decimal(value));
    state = step.state;
    const eventValues = seen.map((v) => decimal(v));
    const total = eventValues.reduce((sum, v) => sum.plus(v), decimal(0));
    const after: ChargeUsage = { units: total, eventsCount: seen.length, eventValues };
    const before: ChargeUsage = {
      units: total.minus(step.billedUnits),
      eventsCount: seen.length - 1,
      eventValues: eventValues.slice(0, -1),
    };
    const fee = payInAdvanceFee(charge, before, after, "EUR", { feeUnits: step.feeUnits });
    return { cents: toMinorUnits(fee.amount, "EUR"), units: fee.units.toString() };
  });
}

const cents = (fees: { cents: number }[]) => fees.map((fee) => fee.cents);

// spec/scenarios/pay_in_advance_charges_spec.rb
describe("pay-in-advance fees (spec)", () => {
  it("bills each count_agg event at the standard price: 1000 cents, 1 unit", () => {
    const charge = { chargeModel: "standard" as const, properties: { amount: "10" } };
    expect(countFees(charge, 2)).toEqual([1000, 1000]);
    const fee = payInAdvanceFee(
      charge,
      { units: decimal(0), eventsCount: 0 },
      { units: decimal(1), eventsCount: 1 },
      "EUR",
    );
    expect(fee.units.toString()).toBe("1");
    expect(fee.unitAmount.toString()).toBe("10");
  });

  it("bills a graduated count only past the free range: 0, 0, 200", () => {
    const charge = {
      chargeModel: "graduated" as const,
      properties: {
        graduated_ranges: [
          { from_value: 0, to_value: 2, per_unit_amount: "0", flat_amount: "0" },
          { from_value: 3, to_value: null, per_unit_amount: "2", flat_amount: "0" },
        ],
      },
    };
    expect(countFees(charge, 3)).toEqual([0, 0, 200]);
  });

  it("bills only new highs of a sum: +10 → 1000, −4 → 0, +8 → 400", () => {
    const fees = sumFees({ chargeModel: "standard", properties: { amount: "1" } }, [10, -4, 8]);
    expect(fees).toEqual([
      { cents: 1000, units: "10" },
      { cents: 0, units: "0" },
      { cents: 400, units: "4" },
    ]);
  });

  it("bills a sum's packages as they start: 0, 10000, 10000", () => {
    const charge = {
      chargeModel: "package" as const,
      properties: { amount: "100", free_units: 3, package_size: 2 },
    };
    expect(cents(sumFees(charge, [3, 1, 2]))).toEqual([0, 10_000, 10_000]);
  });

  it("bills the first range's flat amount with the first graduated event: 7, 2, 4", () => {
    const charge = {
      chargeModel: "graduated" as const,
      properties: {
        graduated_ranges: [
          { from_value: 0, to_value: 5, per_unit_amount: "0.02", flat_amount: "0.01" },
          { from_value: 6, to_value: null, per_unit_amount: "0.01", flat_amount: "0.01" },
        ],
      },
    };
    expect(cents(sumFees(charge, [3, 1, 2]))).toEqual([2 * 3 + 1, 2 * 1, 2 * 1 + 1 * 1 + 1]);
  });

  it("frees the first two percentage transactions: 8 → 0, 5 → 0, 3 → 115", () => {
    const charge = {
      chargeModel: "percentage" as const,
      properties: {
        rate: "5",
        fixed_amount: "1",
        free_units_per_events: 2,
        free_units_per_total_aggregation: "120.0",
      },
    };
    expect(cents(sumFees(charge, [8, 5, 3]))).toEqual([0, 0, 115]);
  });

  it("bills the fixed amount once the single free transaction is used: 2 → 0, 1 → 105", () => {
    const charge = {
      chargeModel: "percentage" as const,
      properties: {
        rate: "5",
        fixed_amount: "1",
        free_units_per_events: 1,
        free_units_per_total_aggregation: "120.0",
      },
    };
    expect(cents(sumFees(charge, [2, 1]))).toEqual([0, 105]);
  });

  it("bills beyond a free amount of 3: 5 → 110, 1 → 105", () => {
    const charge = {
      chargeModel: "percentage" as const,
      properties: { rate: "5", fixed_amount: "1", free_units_per_total_aggregation: "3.0" },
    };
    expect(cents(sumFees(charge, [5, 1]))).toEqual([110, 105]);
  });

  it("clamps each transaction to its bounds: 100 → 175, 1000 → 200, 10000 → 200", () => {
    const charge = {
      chargeModel: "percentage" as const,
      properties: {
        rate: "1",
        fixed_amount: "0.5",
        per_transaction_max_amount: "2",
        per_transaction_min_amount: "1.75",
      },
    };
    expect(cents(sumFees(charge, [100, 1000, 10_000]))).toEqual([175, 200, 200]);
  });

  it("frees the first counted percentage event", () => {
    const charge = {
      chargeModel: "percentage" as const,
      properties: { rate: "1", fixed_amount: "1", free_units_per_events: 1 },
    };
    const fee = payInAdvanceFee(
      charge,
      { units: decimal(0), eventsCount: 0, eventValues: [] },
      { units: decimal(1), eventsCount: 1, eventValues: [decimal(1)] },
      "EUR",
    );
    expect(toMinorUnits(fee.amount, "EUR")).toBe(0);
  });
});

describe("pay-in-advance amount details", () => {
  it("details what a percentage event changed", () => {
    const charge = { chargeModel: "percentage" as const, properties: { rate: "5", fixed_amount: "1" } };
    const fee = payInAdvanceFee(
      charge,
      { units: decimal(10), eventsCount: 1, eventValues: [decimal(10)] },
      { units: decimal(30), eventsCount: 2, eventValues: [decimal(10), decimal(20)] },
      "EUR",
    );
    expect(fee.amount.toString()).toBe("2");
    expect(fee.amountDetails).toMatchObject({
      rate: "5.0",
      units: "20.0",
      paid_units: "20.0",
      free_units: "0.0",
      paid_events: "1.0",
      per_unit_total_amount: "1.0",
      fixed_fee_total_amount: "1.0",
    });
  });

  it("details the graduated percentage ranges an event reached", () => {
    const charge = {
      chargeModel: "graduated_percentage" as const,
      properties: {
        graduated_percentage_ranges: [
          { from_value: 0, to_value: 1000, rate: "1", flat_amount: "200" },
          { from_value: 1001, to_value: null, rate: "2", flat_amount: "300" },
        ],
      },
    };
    // Lago's docs: a first $500 transaction costs 500 × 1 % + 200 = 205.
    const fee = payInAdvanceFee(
      charge,
      { units: decimal(0), eventsCount: 0 },
      { units: decimal(500), eventsCount: 1 },
      "EUR",
    );
    expect(fee.amount.toString()).toBe("205");
    expect(fee.amountDetails).toEqual({
      graduated_percentage_ranges: [
        {
          from_value: 0,
          to_value: 1000,
          flat_unit_amount: "200.0",
          rate: "1.0",
          units: "500.0",
          per_unit_total_amount: "0.41",
          total_with_flat_amount: "205.0",
        },
      ],
    });
  });

  it("gives no details for the other models", () => {
    const fee = payInAdvanceFee(
      { chargeModel: "standard", properties: { amount: "1" } },
      { units: decimal(0), eventsCount: 0 },
      { units: decimal(1), eventsCount: 1 },
      "EUR",
    );
    expect(fee.amountDetails).toEqual({});
  });
});

describe("sumPayInAdvanceStep", () => {
  it("bills nothing for a first negative event and remembers it as the maximum", () => {
    const first = sumPayInAdvanceStep(null, decimal(-5));
    expect(first.billedUnits.toString()).toBe("0");
    expect(first.feeUnits.toString()).toBe("0");
    expect(first.state.maxAggregation.toString()).toBe("-5");
    // Lago's stored maximum after a rise from a negative maximum: current − old max (10 > 5).
    const second = sumPayInAdvanceStep(first.state, decimal(10));
    expect(second.billedUnits.toString()).toBe("10");
    expect(second.state.maxAggregation.toString()).toBe("10");
  });

  it("shows the event's own value when it does not rise above the maximum", () => {
    const first = sumPayInAdvanceStep(null, decimal(10));
    const second = sumPayInAdvanceStep(first.state, decimal(-4));
    const third = sumPayInAdvanceStep(second.state, decimal(3));
    expect(third.billedUnits.toString()).toBe("0");
    expect(third.feeUnits.toString()).toBe("3");
    expect(third.state).toEqual({ currentAggregation: decimal(9), maxAggregation: decimal(10) });
  });
});
