import { describe, expect, it } from "vitest";
import { decimal } from "../money.js";
import { applyRounding } from "./rounding.js";

const rounded = (
  value: string,
  roundingFunction: "round" | "ceil" | "floor" | null,
  roundingPrecision: number | null,
) => applyRounding(decimal(value), { roundingFunction, roundingPrecision }).toString();

describe("applyRounding", () => {
  it("rounds halves away from zero, as Ruby's BigDecimal#round", () => {
    expect(rounded("2.5", "round", 0)).toBe("3");
    expect(rounded("-2.5", "round", 0)).toBe("-3");
    expect(rounded("1.005", "round", 2)).toBe("1.01");
  });

  it("ceils towards +∞ and floors towards −∞", () => {
    expect(rounded("1.01", "ceil", 1)).toBe("1.1");
    expect(rounded("-1.09", "ceil", 1)).toBe("-1");
    expect(rounded("1.09", "floor", 1)).toBe("1");
    expect(rounded("-1.01", "floor", 1)).toBe("-1.1");
  });

  it("rounds to tens and hundreds with a negative precision", () => {
    expect(rounded("1250", "round", -2)).toBe("1300");
    expect(rounded("1249", "round", -2)).toBe("1200");
    expect(rounded("1201", "ceil", -2)).toBe("1300");
    expect(rounded("1299", "floor", -2)).toBe("1200");
    expect(rounded("-1250", "round", -2)).toBe("-1300");
  });

  it("leaves units alone without a rounding function, and refuses a fractional precision", () => {
    expect(rounded("1.23456", null, 2)).toBe("1.23456");
    expect(() => rounded("1", "round", 0.5)).toThrow(RangeError);
  });
});
