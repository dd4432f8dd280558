import fc from "fast-check";
import { describe, expect, it } from "vitest";
import type { BillableMetric, Charge } from "../catalog.js";
import { decimal, toMinorUnits } from "../money.js";
import { type AdvanceUsageState, advanceStep, EMPTY_ADVANCE_USAGE } from "./advance-usage.js";
import { priceModel } from "./price-model.js";

type Metric = Pick<BillableMetric, "aggregationType" | "fieldName">;
const COUNT: Metric = { aggregationType: "count_agg", fieldName: null };
const SUM: Metric = { aggregationType: "sum_agg", fieldName: "value" };
const UNIQUE: Metric = { aggregationType: "unique_count_agg", fieldName: "user" };

const GRADUATED = {
  chargeModel: "graduated" as const,
  properties: {
    graduated_ranges: [
      { from_value: 0, to_value: 2, per_unit_amount: "0", flat_amount: "0" },
      { from_value: 3, to_value: null, per_unit_amount: "2", flat_amount: "0" },
    ],
  },
};

function bill(
  charge: Pick<Charge, "chargeModel" | "properties">,
  metric: Metric,
  events: readonly Record<string, unknown>[],
) {
  let state: AdvanceUsageState = EMPTY_ADVANCE_USAGE;
  const fees = events.map((properties) => {
    const step = advanceStep(
      charge,
      charge.properties,
      metric,
      state,
      { properties, preciseTotalAmountCents: null },
      "EUR",
    );
    state = step.next;
    return step.fee;
  });
  return { fees, state };
}

const cents = (fees: { amount: Parameters<typeof toMinorUnits>[0] }[]) =>
  fees.map((fee) => toMinorUnits(fee.amount, "EUR"));

// spec/scenarios/pay_in_advance_charges_spec.rb
describe("advanceStep (Lago's spec numbers)", () => {
  it("graduated [0–2 free], [3–∞ @2] on a count: 0, 0, 200", () => {
    expect(cents(bill(GRADUATED, COUNT, [{}, {}, {}]).fees)).toEqual([0, 0, 200]);
  });

  it("standard 10 on a count: 1000 cents, 1 unit per event", () => {
    const { fees } = bill({ chargeModel: "standard", properties: { amount: "10" } }, COUNT, [{}, {}]);
    expect(cents(fees)).toEqual([1000, 1000]);
    expect(fees.map((fee) => fee.units.toString())).toEqual(["1", "1"]);
  });

  it("a sum bills only new highs: +10 → 1000, −4 → 0, +8 → 400", () => {
    const { fees, state } = bill({ chargeModel: "standard", properties: { amount: "1" } }, SUM, [
      { value: 10 },
      { value: -4 },
      { value: 8 },
    ]);
    expect(cents(fees)).toEqual([1000, 0, 400]);
    expect(state.units).toBe("14");
  });

  it("a unique count bills a value once", () => {
    const { fees } = bill({ chargeModel: "standard", properties: { amount: "5" } }, UNIQUE, [
      { user: "a" },
      { user: "a" },
      { user: "b" },
    ]);
    expect(cents(fees)).toEqual([500, 0, 500]);
  });
});

const models: fc.Arbitrary<Pick<Charge, "chargeModel" | "properties">> = fc.oneof(
  fc.integer({ min: 0, max: 500 }).map((cents) => ({
    chargeModel: "standard" as const,
    properties: { amount: (cents / 100).toFixed(2) },
  })),
  fc
    .tuple(fc.integer({ min: 0, max: 5 }), fc.integer({ min: 0, max: 300 }), fc.integer({ min: 0, max: 900 }))
    .map(([edge, low, high]) => ({
      chargeModel: "graduated" as const,
      properties: {
        graduated_ranges: [
          { from_value: 0, to_value: edge, per_unit_amount: (low / 100).toFixed(2), flat_amount: "1" },
          {
            from_value: edge + 1,
            to_value: null,
            per_unit_amount: (high / 100).toFixed(2),
            flat_amount: "0",
          },
        ],
      },
    })),
  fc.tuple(fc.integer({ min: 1, max: 5 }), fc.integer({ min: 0, max: 3 })).map(([size, free]) => ({
    chargeModel: "package" as const,
    properties: { amount: "3", package_size: size, free_units: free },
  })),
  fc.integer({ min: 0, max: 400 }).map((rate) => ({
    chargeModel: "percentage" as const,
    properties: { rate: (rate / 100).toFixed(2), fixed_amount: "0.5", free_units_per_events: 1 },
  })),
);

describe("advanceStep: the fees of a period add up to the price of its usage", () => {
  it("Σ fees = model(total) for counts and positive sums", () => {
    fc.assert(
      fc.property(
        models,
        fc.boolean(),
        // From 1: a graduated model prices every event seen on no usage yet as "nothing before",
        // so events of value 0 each pay its first range's flat amount (Lago's in-advance quirk).
        fc.array(fc.integer({ min: 1, max: 50 }), { minLength: 1, maxLength: 12 }),
        (charge, isSum, values) => {
          const metric = isSum ? SUM : COUNT;
          const { fees, state } = bill(
            charge,
            metric,
            values.map((value) => ({ value })),
          );
          const total = fees.reduce((sum, fee) => sum.plus(fee.amount), decimal(0));
          const units = isSum ? values.reduce((a, b) => a + b, 0) : values.length;
          const eventValues = isSum ? values.map((v) => decimal(v)) : values.map(() => decimal(1));
          const model = priceModel(
            { ...charge, prorated: false },
            {
              units: decimal(units),
              eventsCount: values.length,
              eventValues,
            },
            "EUR",
          );
          expect(total.toFixed()).toBe(model.amount.toFixed());
          expect(state.units).toBe(String(units));
        },
      ),
    );
  });
});

/**
 * Models whose price of a usage does not depend on the order of its events. A percentage charge's
 * free units go to the first events (`free_units_per_events`, and the per-event fixed amount of
 * the events past the free total), so its total depends on which come first: by timestamp in
 * Lago's invoice, in billing order for fees in advance.
 */
const orderFreeModels = models.filter((charge) => charge.chargeModel !== "percentage");

describe("advanceStep: the order events are billed in changes no total", () => {
  it("gives the same Σ fees for any order of the same events", () => {
    fc.assert(
      fc.property(
        orderFreeModels,
        fc
          .array(fc.integer({ min: 1, max: 50 }), { minLength: 1, maxLength: 10 })
          .chain((values) =>
            fc.tuple(fc.constant(values), fc.shuffledSubarray(values, { minLength: values.length })),
          ),
        (charge, [values, shuffled]) => {
          const total = (list: number[]) =>
            bill(
              charge,
              SUM,
              list.map((value) => ({ value })),
            ).fees.reduce((sum, fee) => sum.plus(fee.amount), decimal(0));
          expect(total(shuffled).toFixed()).toBe(total(values).toFixed());
        },
      ),
    );
  });
});
