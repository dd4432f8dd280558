import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { decimal } from "../money.js";
import { chargeAmount } from "./charge-amount.js";
import { readVolumeRanges } from "./properties.js";
import { volumeAmount } from "./volume.js";

// spec/services/charge_models/volume_service_spec.rb
const PROPERTIES = {
  volume_ranges: [
    { from_value: 0, to_value: 100, per_unit_amount: "2", flat_amount: "10" },
    { from_value: 101, to_value: 200, per_unit_amount: "1", flat_amount: "0" },
    { from_value: 201, to_value: null, per_unit_amount: "0.5", flat_amount: "50" },
  ],
};
const RANGES = readVolumeRanges(PROPERTIES);

describe("volume (spec)", () => {
  it.each([
    [0, "10"],
    [1, "12"],
    [100, "210"],
    ["100.5", "100.5"],
    [101, "101"],
    [200, "200"],
    [300, "200"],
  ])("prices %s units at %s", (units, amount) => {
    expect(volumeAmount(decimal(units), RANGES).amount.toString()).toBe(amount);
  });

  it("details the chosen range", () => {
    expect(volumeAmount(decimal(300), RANGES).amountDetails).toEqual({
      flat_unit_amount: "50.0",
      per_unit_amount: "0.5",
      per_unit_total_amount: "150.0",
    });
  });

  it("charges nothing for usage below every range", () => {
    expect(volumeAmount(decimal(-5), RANGES).amount.toString()).toBe("0");
  });

  it("charges nothing at 0 units when the first range has no flat amount", () => {
    const ranges = readVolumeRanges({
      volume_ranges: [
        { from_value: 0, to_value: 1, per_unit_amount: "0", flat_amount: "0" },
        { from_value: 2, to_value: null, per_unit_amount: "2", flat_amount: "10" },
      ],
    });
    expect(volumeAmount(decimal(0), ranges).amount.toString()).toBe("0");
  });

  it("chooses the range on full units and prices the prorated ones: 198.6 of 300 → 149.3", () => {
    const fee = chargeAmount(
      { chargeModel: "volume", properties: PROPERTIES, prorated: true },
      { units: decimal("198.6"), fullUnits: decimal(300), eventsCount: 2 },
      "EUR",
    );
    expect(fee.amount.toString()).toBe("149.3");
    expect(fee.unitAmount.toDecimalPlaces(2).toString()).toBe("0.5");
    expect(fee.amountDetails).toEqual({
      flat_unit_amount: "50.0",
      per_unit_amount: "0.331",
      per_unit_total_amount: "99.3",
    });
  });
});

describe("volume (properties)", () => {
  const units = fc.integer({ min: 0, max: 40_000 }).map((n) => decimal(n).dividedBy(100));
  const rangeOf = (u: ReturnType<typeof decimal>) =>
    RANGES.findIndex(
      (r) =>
        r.fromValue.lessThanOrEqualTo(u.ceil()) && (r.toValue === null || u.lessThanOrEqualTo(r.toValue)),
    );

  // Crossing into a cheaper range can lower the whole bill (100 → 210 but 101 → 101): the amount
  // only grows with the units while they stay in the same range.
  it("never decreases as units grow within one range", () => {
    fc.assert(
      fc.property(units, units, (a, b) => {
        const [low, high] = a.lessThanOrEqualTo(b) ? [a, b] : [b, a];
        fc.pre(rangeOf(low) === rangeOf(high));
        expect(volumeAmount(low, RANGES).amount.lessThanOrEqualTo(volumeAmount(high, RANGES).amount)).toBe(
          true,
        );
      }),
    );
  });

  it("can decrease across a range boundary", () => {
    expect(
      volumeAmount(decimal(101), RANGES).amount.lessThan(volumeAmount(decimal(100), RANGES).amount),
    ).toBe(true);
  });
});
