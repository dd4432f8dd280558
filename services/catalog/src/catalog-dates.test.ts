import { describe, expect, it } from "vitest";
import { catalogInstant, isValidEndingAt, parseCatalogInstant, storedInstant } from "./catalog-dates.js";

describe("catalog dates", () => {
  it("reads ISO 8601 dates and instants as UTC, keeping the date as written", () => {
    expect(parseCatalogInstant("2026-03-01T10:00:00Z")).toEqual({
      iso: "2026-03-01T10:00:00.000Z",
      date: "2026-03-01",
    });
    expect(parseCatalogInstant("2026-03-01")).toEqual({
      iso: "2026-03-01T00:00:00.000Z",
      date: "2026-03-01",
    });
    // No offset: UTC, as Lago's Time.zone reads it.
    expect(parseCatalogInstant("2026-03-01T10:00")?.iso).toBe("2026-03-01T10:00:00.000Z");
    // An offset: the instant in UTC, the date as written (what Lago's `to_date` compares).
    expect(parseCatalogInstant("2026-03-01T23:00:00-05:00")).toEqual({
      iso: "2026-03-02T04:00:00.000Z",
      date: "2026-03-01",
    });
    expect(parseCatalogInstant("2026-03-01t10:00:00.123456z")?.iso).toBe("2026-03-01T10:00:00.123Z");
    expect(parseCatalogInstant("2028-02-29T00:00:00+0530")?.iso).toBe("2028-02-28T18:30:00.000Z");
  });

  it("refuses impossible calendar dates instead of rolling them over", () => {
    for (const text of [
      "2026-02-30T00:00:00Z",
      "2026-02-29",
      "2026-04-31",
      "2026-13-01",
      "2026-00-10",
      "2026-03-01T24:00:00Z",
      "2026-03-01T23:60:00Z",
      "2026-03-01T10:00:00+25:00",
    ]) {
      expect(parseCatalogInstant(text), text).toBeUndefined();
    }
  });

  it("refuses what is not a calendar date: times alone, week and ordinal dates, free text", () => {
    for (const text of [
      "10:00",
      "2026-W09-1",
      "2026-060",
      "2026-03",
      "2026",
      "",
      " 2026-03-01",
      "tomorrow",
    ]) {
      expect(parseCatalogInstant(text), text).toBeUndefined();
    }
    expect(parseCatalogInstant(`2026-03-01T10:00:00.${"1".repeat(200)}Z`)).toBeUndefined();
  });

  it("keeps dates from 1970 up to, not including, 2100", () => {
    expect(parseCatalogInstant("1970-01-01T00:00:00Z")?.iso).toBe("1970-01-01T00:00:00.000Z");
    expect(parseCatalogInstant("2099-12-31T23:59:59.999Z")?.iso).toBe("2099-12-31T23:59:59.999Z");
    for (const text of [
      "1969-12-31T23:59:59Z",
      "0001-01-01T00:00:00Z",
      "2100-01-01T00:00:00Z",
      "+275760-09-13T00:00:00Z",
      "1970-01-01T00:30:00+01:00",
    ]) {
      expect(parseCatalogInstant(text), text).toBeUndefined();
    }
  });

  it("answers Lago's invalid_date for anything else, strings or not", () => {
    for (const value of ["2026-02-30", 20260301, true, {}, "x".repeat(6_000_000)]) {
      const result = catalogInstant.safeParse(value);
      expect(result.success).toBe(false);
      expect(result.error?.issues.map((issue) => issue.message)).toEqual(["invalid_date"]);
    }
  });

  it("wants ending_at on a later date than today and than subscription_at, as Lago does", () => {
    const now = "2026-03-10T12:00:00.000Z";
    const at = (text: string) => parseCatalogInstant(text) ?? storedInstant(text);
    const start = at("2026-03-01T00:00:00Z");
    expect(isValidEndingAt(at("2026-03-11T00:00:00Z"), start, now)).toBe(true);
    // Later today is not a later date.
    expect(isValidEndingAt(at("2026-03-10T23:00:00Z"), start, now)).toBe(false);
    expect(isValidEndingAt(at("2026-03-09T00:00:00Z"), start, now)).toBe(false);
    // Before (or on the day of) a future subscription_at.
    const later = at("2026-06-01T00:00:00Z");
    expect(isValidEndingAt(at("2026-05-01T00:00:00Z"), later, now)).toBe(false);
    expect(isValidEndingAt(at("2026-06-01T18:00:00Z"), later, now)).toBe(false);
    expect(isValidEndingAt(at("2026-06-02T00:00:00Z"), later, now)).toBe(true);
  });
});
