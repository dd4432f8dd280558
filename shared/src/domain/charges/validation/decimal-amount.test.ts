import { expect, it } from "vitest";
import { isValidAmount } from "./decimal-amount.js";

it("accepts decimal strings that are zero or positive", () => {
  for (const value of ["0", "0.05", "10", "1e3", ".5", " 2.5 ", "-0"])
    expect(isValidAmount(value)).toBe(true);
});

it("refuses numbers, negatives and anything that is not a decimal", () => {
  for (const value of [5, "-1", "abc", "", "1.2.3", "Infinity", "NaN", null, undefined]) {
    expect(isValidAmount(value)).toBe(false);
  }
});
