import { describe, expect, it } from "vitest";
import { invalidRangeIndexes } from "./range-bounds.js";

const range = (from_value: unknown, to_value: unknown) => ({ from_value, to_value });

describe("invalidRangeIndexes", () => {
  it("accepts integer-style and adjacent ladders for graduated models", () => {
    expect(invalidRangeIndexes([range(0, 10), range(11, 20), range(21, null)], "touching_or_next")).toEqual(
      [],
    );
    expect(invalidRangeIndexes([range(0, 0.1), range(0.1, 1), range(1, null)], "touching_or_next")).toEqual(
      [],
    );
    // A mix, as Lago's own spec fixture uses.
    expect(
      invalidRangeIndexes([range(0, 0.01), range(0.01, 10), range(11, null)], "touching_or_next"),
    ).toEqual([]);
    expect(invalidRangeIndexes([range(0, 0.1), range(1.1, null)], "touching_or_next")).toEqual([]);
  });

  it("requires volume ranges to start one unit after the previous one", () => {
    expect(invalidRangeIndexes([range(0, 100), range(101, null)], "next")).toEqual([]);
    expect(invalidRangeIndexes([range(0, 100), range(100, null)], "next")).toEqual([1]);
  });

  it("requires the first range to start at 0", () => {
    expect(invalidRangeIndexes([range(1, 10), range(11, null)], "touching_or_next")).toEqual([0]);
  });

  it("refuses gaps, overlaps and empty or reversed ranges", () => {
    expect(invalidRangeIndexes([range(0, 10), range(12, null)], "touching_or_next")).toEqual([1]);
    expect(invalidRangeIndexes([range(0, 10), range(5, null)], "touching_or_next")).toEqual([1]);
    expect(invalidRangeIndexes([range(0, 0), range(0, null)], "touching_or_next")).toEqual([0]);
  });

  it("requires only the last range to be open-ended", () => {
    expect(invalidRangeIndexes([range(0, null), range(1, null)], "touching_or_next")).toEqual([0]);
    expect(invalidRangeIndexes([range(0, 10), range(11, 20)], "touching_or_next")).toEqual([1]);
  });

  it("refuses bounds that are not numbers", () => {
    expect(invalidRangeIndexes([range("0", null)], "touching_or_next")).toEqual([0]);
    expect(invalidRangeIndexes(["nope"], "touching_or_next")).toEqual([0]);
  });
});
