import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { CHARGE_MODELS } from "../catalog.js";
import { decimal } from "../money.js";
import { chargeAmount, SUPPORTED_CHARGE_MODELS } from "./charge-amount.js";

const graduated = {
  chargeModel: "graduated" as const,
  prorated: false,
  properties: {
    graduated_ranges: [
      { from_value: 0, to_value: 10, per_unit_amount: "10", flat_amount: "2" },
      { from_value: 11, to_value: null, per_unit_amount: "5", flat_amount: "3" },
    ],
  },
};

describe("chargeAmount", () => {
  it("prices every charge model of the catalog", () => {
    expect(SUPPORTED_CHARGE_MODELS).toEqual(CHARGE_MODELS);
  });

  it("gives the graduated unit amount over all units (spec: 12 units → 115, 9.58333)", () => {
    const fee = chargeAmount(graduated, { units: decimal(12), eventsCount: 2 }, "EUR");
    expect(fee.amount.toString()).toBe("115");
    expect(fee.unitAmount.toDecimalPlaces(5).toString()).toBe("9.58333");
    expect(fee.amountDetails).toHaveProperty("graduated_ranges");
  });

  it("keeps the first flat amount at 0 units with a unit amount of 0", () => {
    const fee = chargeAmount(graduated, { units: decimal(0), eventsCount: 0 }, "EUR");
    expect(fee.amount.toString()).toBe("2");
    expect(fee.unitAmount.toString()).toBe("0");
  });

  it("bills nothing for negative units, whatever the model would say", () => {
    const fee = chargeAmount(graduated, { units: decimal(-3), eventsCount: 2 }, "EUR");
    expect(fee.amount.toString()).toBe("0");
    expect(fee.unitAmount.toString()).toBe("0");
  });

  it("bills nothing for a negative amount", () => {
    const fee = chargeAmount(
      { chargeModel: "dynamic", properties: {}, prorated: false },
      { units: decimal(2), eventsCount: 2, preciseTotalAmountCents: decimal(-150) },
      "EUR",
    );
    expect(fee.amount.toString()).toBe("0");
  });

  it("ignores full units on a charge that is not prorated", () => {
    const fee = chargeAmount(
      { chargeModel: "standard", properties: { amount: "1" }, prorated: false },
      { units: decimal(4), fullUnits: decimal(8), eventsCount: 1 },
      "EUR",
    );
    expect(fee.unitAmount.toString()).toBe("1");
  });

  it("never bills a negative percentage amount, even for refunds among the transactions", () => {
    const value = fc.integer({ min: -100_000, max: 100_000 }).map((n) => decimal(n).dividedBy(100));
    const properties = fc.record({
      rate: fc.integer({ min: 0, max: 1000 }).map((n) => String(n / 100)),
      fixed_amount: fc.constantFrom(undefined, "0", "0.3"),
      free_units_per_events: fc.constantFrom(undefined, 1, 3),
      free_units_per_total_aggregation: fc.constantFrom(undefined, "10", "250"),
      per_transaction_min_amount: fc.constantFrom(undefined, "0.5"),
      per_transaction_max_amount: fc.constantFrom(undefined, "5"),
    });
    fc.assert(
      fc.property(fc.array(value, { maxLength: 10 }), properties, (eventValues, props) => {
        const units = eventValues.reduce((sum, v) => sum.plus(v), decimal(0));
        const fee = chargeAmount(
          { chargeModel: "percentage", properties: props, prorated: false },
          { units, eventsCount: eventValues.length, eventValues },
          "EUR",
        );
        expect(fee.amount.isNegative()).toBe(false);
      }),
    );
  });
});
