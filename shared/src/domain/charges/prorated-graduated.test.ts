import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { decimal, Money } from "../money.js";
import { chargeAmount } from "./charge-amount.js";
import { graduatedAmount } from "./graduated.js";
import { readGraduatedRanges } from "./properties.js";
import { type ProratedEvent, proratedGraduatedAmount } from "./prorated-graduated.js";

const events = (full: (number | string)[], prorated: (number | string)[]): ProratedEvent[] =>
  full.map((value, i) => ({ full: decimal(value), prorated: decimal(prorated[i] ?? 0) }));
const sum = (list: readonly ProratedEvent[]) => list.reduce((total, e) => total.plus(e.prorated), decimal(0));
const ranges = (graduated_ranges: unknown[]) => readGraduatedRanges({ graduated_ranges });

// spec/services/charge_models/prorated_graduated_service_spec.rb
const TWO_TIERS = ranges([
  { from_value: 0, to_value: 5, per_unit_amount: "10", flat_amount: "100" },
  { from_value: 6, to_value: null, per_unit_amount: "5", flat_amount: "50" },
]);
const THREE_TIERS = ranges([
  { from_value: 0, to_value: 5, per_unit_amount: "10", flat_amount: "100" },
  { from_value: 6, to_value: 15, per_unit_amount: "5", flat_amount: "50" },
  { from_value: 16, to_value: null, per_unit_amount: "2", flat_amount: "0" },
]);

const amountOf = (list: ProratedEvent[], tiers = TWO_TIERS) =>
  proratedGraduatedAmount(sum(list), list, tiers).amount;

describe("prorated graduated (spec)", () => {
  it.each([
    ["tiers on full usage, price on prorated usage", [5, 5, 10, -6], [3.5, "2.66667", 2, -2.2], "197.33"],
    ["an event spilling into the next tier", [2, 5, 10, -6], [1.4, "2.66667", 2, -2.2], "184.33"],
    [
      "usage back to zero at the end",
      [1, 4, 1, -5, -1],
      ["0.7097", "1.54839", "0.2258", "-0.80645", "-0.0645"],
      "165.81",
    ],
    ["a removal moving back to the first tier", [5, -2], [3.5, -1], "125"],
    ["overflow then a removal across tiers", [4, 2, -3], [2.8, 1, -0.6], "180.5"],
    ["several overflows both ways", [5, 2, -4, 10], [3.5, 1, -1.6, 2], "190"],
    ["usage ending below zero", [5, -100], [2, "-33.33"], "0"],
    ["usage ending below zero within one tier", [4, -100], [1.6, "-33.33"], "0"],
    ["a single event in the first tier", [1], [0.7], "107"],
  ])("prices %s", (_name, full, prorated, expected) => {
    expect(amountOf(events(full, prorated)).toDecimalPlaces(2).toString()).toBe(expected);
  });

  it("charges the first flat amount at zero usage", () => {
    expect(amountOf([]).toString()).toBe("100");
  });

  it("does not charge the second flat amount when the first unit fills a one-unit first tier", () => {
    const tiers = ranges([
      { from_value: 0, to_value: 1, per_unit_amount: "10", flat_amount: "100" },
      { from_value: 2, to_value: null, per_unit_amount: "5", flat_amount: "50" },
    ]);
    expect(
      amountOf(events([1], [0.7]), tiers)
        .toDecimalPlaces(2)
        .toString(),
    ).toBe("107");
  });

  it("prices three tiers with one overflow at 191.34 (rounded up)", () => {
    const list = events([2, 5, 10, -6, 4, 60], [1.4, 2.5, 2, -2.2, "0.667", 2]);
    expect(amountOf(list, THREE_TIERS).toDecimalPlaces(2, Money.ROUND_UP).toString()).toBe("191.34");
  });

  it("prices one event overflowing two tiers at 370", () => {
    expect(amountOf(events([75], [75]), THREE_TIERS).toString()).toBe("370");
  });

  it("divides the unit amount by the full usage", () => {
    const fee = chargeAmount(
      {
        chargeModel: "graduated",
        properties: {
          graduated_ranges: [
            { from_value: 0, to_value: 5, per_unit_amount: "10", flat_amount: "100" },
            { from_value: 6, to_value: null, per_unit_amount: "5", flat_amount: "50" },
          ],
        },
        prorated: true,
      },
      {
        units: decimal("5.96667"),
        fullUnits: decimal(14),
        eventsCount: 4,
        proratedEvents: events([5, 5, 10, -6], [3.5, "2.66667", 2, -2.2]),
      },
      "EUR",
    );
    expect(fee.unitAmount.toDecimalPlaces(2).toString()).toBe("14.1");
    expect(fee.amountDetails).toEqual({});
  });
});

// spec/services/charge_models/prorated_adjacent_graduated_service_spec.rb
describe("prorated graduated with adjacent ranges (spec)", () => {
  const adjacent = ranges([
    { from_value: 0, to_value: 10, per_unit_amount: "1", flat_amount: "0" },
    { from_value: 10, to_value: 20, per_unit_amount: "2", flat_amount: "0" },
    { from_value: 20, to_value: null, per_unit_amount: "3", flat_amount: "0" },
  ]);

  it("empties the top tiers first on a decrease: 9", () => {
    expect(amountOf(events([15, -6], [15, -6]), adjacent).toString()).toBe("9");
  });

  it("takes removed units back at the removal's own proration: 10.5", () => {
    expect(amountOf(events([11, -2], [11, -1]), adjacent).toString()).toBe("10.5");
  });

  it("bills a one-unit tier at its own price: 16", () => {
    const narrow = ranges([
      { from_value: 0, to_value: 2, per_unit_amount: "1", flat_amount: "0" },
      { from_value: 2, to_value: 3, per_unit_amount: "2", flat_amount: "0" },
      { from_value: 3, to_value: null, per_unit_amount: "3", flat_amount: "0" },
    ]);
    expect(amountOf(events([5, 2], [5, 2]), narrow).toString()).toBe("16");
  });

  it("splits an event at a decimal bound: 6.75", () => {
    const decimalBound = ranges([
      { from_value: 0, to_value: 10.5, per_unit_amount: "1", flat_amount: "0" },
      { from_value: 10.5, to_value: null, per_unit_amount: "2", flat_amount: "0" },
    ]);
    expect(amountOf(events([12], [6]), decimalBound).toString()).toBe("6.75");
  });

  const flats = ranges([
    { from_value: 0, to_value: 10, per_unit_amount: "0", flat_amount: "100" },
    { from_value: 10, to_value: null, per_unit_amount: "0", flat_amount: "50" },
  ]);

  it("charges the flat amounts of the tiers reached by a peak on a bound: 100", () => {
    expect(amountOf(events([10, -4], [10, -4]), flats).toString()).toBe("100");
  });

  it("charges the next tier's flat amount for a peak past the bound: 150", () => {
    expect(amountOf(events([10, 1, -4], [10, 1, -4]), flats).toString()).toBe("150");
  });

  it("leaves out an addition worth nothing in the period: 5", () => {
    expect(amountOf(events([10, 5], [0, 5]), adjacent).toString()).toBe("5");
  });
});

describe("prorated graduated without per-event values", () => {
  it("prices the window as one event of the full units prorated to the units", () => {
    const fee = chargeAmount(
      {
        chargeModel: "graduated",
        properties: {
          graduated_ranges: [
            { from_value: 0, to_value: 5, per_unit_amount: "10", flat_amount: "100" },
            { from_value: 6, to_value: null, per_unit_amount: "5", flat_amount: "50" },
          ],
        },
        prorated: true,
      },
      { units: decimal(5), fullUnits: decimal(10), eventsCount: 1 },
      "EUR",
    );
    // (5 × 10 + 5 × 5) × 5/10 + 100 + 50
    expect(fee.amount.toString()).toBe("187.5");
  });
});

describe("prorated graduated (properties)", () => {
  it("equals graduated when nothing is prorated and usage only grows", () => {
    const additions = fc.array(fc.integer({ min: 1, max: 40 }), { minLength: 1, maxLength: 8 });
    fc.assert(
      fc.property(additions, (values) => {
        const list = events(values, values);
        const total = sum(list);
        expect(
          proratedGraduatedAmount(total, list, THREE_TIERS).amount.equals(
            graduatedAmount(total, THREE_TIERS).amount,
          ),
        ).toBe(true);
      }),
    );
  });
});
