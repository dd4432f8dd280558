import { describe, expect, it } from "vitest";
import { currencyExponent, toMinorUnits, toPreciseMinorUnits } from "./money.js";

describe("money", () => {
  it("knows the currency exponents Lago uses", () => {
    expect(currencyExponent("EUR")).toBe(2);
    expect(currencyExponent("JPY")).toBe(0);
    expect(currencyExponent("KWD")).toBe(3);
  });

  it("rounds to minor units half-up, once", () => {
    expect(toMinorUnits("54.8387", "EUR")).toBe(5484);
    expect(toMinorUnits("0.005", "EUR")).toBe(1);
    expect(toMinorUnits("0.0049", "EUR")).toBe(0);
    expect(toMinorUnits("100.5", "JPY")).toBe(101);
    expect(toMinorUnits("1.0005", "KWD")).toBe(1001);
  });

  it("keeps exact decimals where floats would drift", () => {
    // 0.1 + 0.2 in floats is 0.30000000000000004
    expect(toPreciseMinorUnits("0.3", "USD").toString()).toBe("30");
    expect(toMinorUnits("2177.4193548387", "USD")).toBe(217742);
  });
});
