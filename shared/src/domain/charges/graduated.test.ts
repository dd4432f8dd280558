import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { decimal } from "../money.js";
import { graduatedAmount } from "./graduated.js";
import { type PricedRange, readGraduatedRanges } from "./properties.js";

// spec/services/charge_models/graduated_service_spec.rb
const SPEC_RANGES = readGraduatedRanges({
  graduated_ranges: [
    { from_value: 0, to_value: 10, per_unit_amount: "10", flat_amount: "2" },
    { from_value: 11, to_value: 20, per_unit_amount: "5", flat_amount: "3" },
    { from_value: 21, to_value: null, per_unit_amount: "5", flat_amount: "3" },
  ],
});

const amountAt = (units: number | string, ranges: readonly PricedRange[] = SPEC_RANGES) =>
  graduatedAmount(decimal(units), ranges).amount.toNumber();

describe("graduated (spec)", () => {
  it.each([
    [0, 2],
    [1, 12],
    [10, 102],
    [11, 110],
    [12, 115],
    [21, 163],
  ])("prices %s units at %s", (units, amount) => {
    expect(amountAt(units)).toBe(amount);
  });

  it("charges the first range's flat amount at 0 units and shows no unit price", () => {
    expect(graduatedAmount(decimal(0), SPEC_RANGES).amountDetails).toEqual({
      graduated_ranges: [
        {
          from_value: 0,
          to_value: 10,
          flat_unit_amount: "2.0",
          per_unit_amount: "0.0",
          units: "0.0",
          per_unit_total_amount: "0.0",
          total_with_flat_amount: "2.0",
        },
      ],
    });
  });

  it("charges nothing at 0 units when the first range has no flat amount", () => {
    const ranges = readGraduatedRanges({
      graduated_ranges: [
        { from_value: 0, to_value: 0.01, per_unit_amount: "0", flat_amount: "0" },
        { from_value: 0.01, to_value: 10, per_unit_amount: "10", flat_amount: "2" },
        { from_value: 11, to_value: null, per_unit_amount: "5", flat_amount: "3" },
      ],
    });
    expect(amountAt(0, ranges)).toBe(0);
  });

  it("details every range reached at 21 units", () => {
    expect(graduatedAmount(decimal(21), SPEC_RANGES).amountDetails).toEqual({
      graduated_ranges: [
        {
          from_value: 0,
          to_value: 10,
          flat_unit_amount: "2.0",
          per_unit_amount: "10.0",
          units: "10.0",
          per_unit_total_amount: "100.0",
          total_with_flat_amount: "102.0",
        },
        {
          from_value: 11,
          to_value: 20,
          flat_unit_amount: "3.0",
          per_unit_amount: "5.0",
          units: "10.0",
          per_unit_total_amount: "50.0",
          total_with_flat_amount: "53.0",
        },
        {
          from_value: 21,
          to_value: null,
          flat_unit_amount: "3.0",
          per_unit_amount: "5.0",
          units: "1.0",
          per_unit_total_amount: "5.0",
          total_with_flat_amount: "8.0",
        },
      ],
    });
  });

  describe("with adjacent decimal ranges", () => {
    const adjacent = readGraduatedRanges({
      graduated_ranges: [
        { from_value: 0, to_value: 0.1, per_unit_amount: "10", flat_amount: "0" },
        { from_value: 0.1, to_value: 1, per_unit_amount: "5", flat_amount: "0" },
        { from_value: 1, to_value: null, per_unit_amount: "2", flat_amount: "0" },
      ],
    });

    it("prices 0.05 units at 0.5", () => {
      expect(amountAt("0.05", adjacent)).toBe(0.5);
    });

    it("prices 0.5 units at 1.0 + 2.0, the second range holding 0.4 units", () => {
      const priced = graduatedAmount(decimal("0.5"), adjacent);
      expect(priced.amount.toNumber()).toBe(3);
      const ranges = priced.amountDetails.graduated_ranges as { units: string }[];
      expect(ranges.map((range) => range.units)).toEqual(["0.1", "0.4"]);
    });
  });
});

/** Valid ladders in either style, non-negative prices. */
const ladder = fc
  .record({
    tops: fc.uniqueArray(fc.integer({ min: 1, max: 500 }), { minLength: 0, maxLength: 4 }),
    adjacent: fc.boolean(),
    prices: fc.array(fc.integer({ min: 0, max: 1000 }), { minLength: 5, maxLength: 5 }),
    flats: fc.array(fc.integer({ min: 0, max: 1000 }), { minLength: 5, maxLength: 5 }),
  })
  .map(({ tops, adjacent, prices, flats }) => {
    const sorted = [...tops].sort((a, b) => a - b);
    return sorted.concat([Number.NaN]).map((top, index) => {
      const previous = sorted[index - 1];
      const from = previous === undefined ? 0 : adjacent ? previous : previous + 1;
      return {
        from_value: from,
        to_value: Number.isNaN(top) ? null : top,
        per_unit_amount: String((prices[index] ?? 0) / 100),
        flat_amount: String((flats[index] ?? 0) / 100),
      };
    });
  })
  // Integer-style ladders need ranges at least one unit wide to be valid.
  .filter((ranges) => ranges.every((r) => r.to_value === null || r.to_value > r.from_value))
  .map((ranges) => readGraduatedRanges({ graduated_ranges: ranges }));

const units = fc.integer({ min: 0, max: 100_000 }).map((n) => decimal(n).dividedBy(100));

describe("graduated (properties)", () => {
  it("never decreases as units grow", () => {
    fc.assert(
      fc.property(ladder, units, units, (ranges, a, b) => {
        const [low, high] = a.lessThanOrEqualTo(b) ? [a, b] : [b, a];
        const lowAmount = graduatedAmount(low, ranges).amount;
        expect(lowAmount.lessThanOrEqualTo(graduatedAmount(high, ranges).amount)).toBe(true);
      }),
    );
  });

  it("spreads exactly the total units over the ranges of amount_details", () => {
    fc.assert(
      fc.property(ladder, units, (ranges, total) => {
        const details = graduatedAmount(total, ranges).amountDetails.graduated_ranges as { units: string }[];
        const spread = details.reduce((sum, range) => sum.plus(range.units), decimal(0));
        expect(spread.equals(total)).toBe(true);
      }),
    );
  });
});
