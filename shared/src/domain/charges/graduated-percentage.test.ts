import { describe, expect, it } from "vitest";
import { decimal } from "../money.js";
import { graduatedPercentageAmount } from "./graduated-percentage.js";
import { readGraduatedPercentageRanges } from "./properties.js";

// spec/services/charge_models/graduated_percentage_service_spec.rb
const RANGES = readGraduatedPercentageRanges({
  graduated_percentage_ranges: [
    { from_value: 0, to_value: 10, rate: "1", flat_amount: "200" },
    { from_value: 11, to_value: 20, rate: "2", flat_amount: "300" },
    { from_value: 21, to_value: null, rate: "3", flat_amount: "400" },
  ],
});

describe("graduated_percentage (spec)", () => {
  it.each([
    [0, "200"],
    [1, "200.01"],
    [10, "200.1"],
    [11, "500.12"],
    [12, "500.14"],
    [21, "900.33"],
  ])("prices %s units at %s", (units, amount) => {
    expect(graduatedPercentageAmount(decimal(units), RANGES).amount.toString()).toBe(amount);
  });

  it("details each range's rate part and flat amount", () => {
    expect(graduatedPercentageAmount(decimal(12), RANGES).amountDetails).toEqual({
      graduated_percentage_ranges: [
        {
          from_value: 0,
          to_value: 10,
          flat_unit_amount: "200.0",
          rate: "1.0",
          units: "10.0",
          per_unit_total_amount: "0.1",
          total_with_flat_amount: "200.1",
        },
        {
          from_value: 11,
          to_value: 20,
          flat_unit_amount: "300.0",
          rate: "2.0",
          units: "2.0",
          per_unit_total_amount: "0.04",
          total_with_flat_amount: "300.04",
        },
      ],
    });
  });
});
