import { describe, expect, it } from "vitest";
import { aggregateProratedUsage, ProrationNotSupportedError } from "./aggregate-prorated-usage.js";
import type { ChargesWindow } from "./metric-definition.js";
import { metricDefinition, usageEvent, utcMonth } from "./test-events.js";

// Lago's event store spec: subscription started 2023-03-15, charges to the end of March, 31-day period,
// events on March 16…20 with values 1…5.
const FROM_MARCH_15: ChargesWindow = { ...utcMonth(2023, 3), from: "2023-03-15T00:00:00.000Z" };
const baseEvents = () =>
  [1, 2, 3, 4, 5].map((value) => usageEvent(`2023-03-${15 + value}T00:00:00Z`, { value }));
const strings = (values: readonly { toString(): string }[]) => values.map((value) => value.toString());
const rounded3 = (values: readonly { toDecimalPlaces(n: number): { toString(): string } }[]) =>
  values.map((value) => value.toDecimalPlaces(3).toString());

describe("prorated sum_agg", () => {
  const sum = metricDefinition("sum_agg", { recurring: true });

  it("weights each event by its days to the window end (Lago spec: 6.45161, per event 0.516…1.935)", () => {
    const result = aggregateProratedUsage(sum, baseEvents(), FROM_MARCH_15);
    // 200/31 = 6.451612…, ceiled at the 5th decimal as Lago does.
    expect(result.units.toString()).toBe("6.45162");
    expect(result.fullUnits.toString()).toBe("15");
    expect(result.eventsCount).toBe(5);
    expect(rounded3(result.proratedEventValues)).toEqual(["0.516", "0.968", "1.355", "1.677", "1.935"]);
    expect(strings(result.eventValues)).toEqual(["1", "2", "3", "4", "5"]);
  });

  it("bills the carried-over total for every day of the window (Lago spec: 15 × 10/31 = 4.83871)", () => {
    const window = { ...utcMonth(2023, 3), from: "2023-03-22T00:00:00.000Z" };
    const result = aggregateProratedUsage(sum, baseEvents(), window);
    expect(result.units.toString()).toBe("4.83871");
    expect(result.fullUnits.toString()).toBe("15");
    expect(strings(result.eventValues)).toEqual(["15"]);
    expect(rounded3(result.proratedEventValues)).toEqual(["4.839"]);
  });

  it("stops at the window end when the subscription is terminated mid-period", () => {
    const window = { ...utcMonth(2023, 3), to: "2023-03-11T00:00:00.000Z" };
    const events = [
      usageEvent("2023-02-10T00:00:00Z", { value: 31 }),
      usageEvent("2023-03-05T12:00:00Z", { value: 31 }),
      usageEvent("2023-03-11T00:00:00Z", { value: 1000 }),
    ];
    // 31 × 10/31 carried + 31 × 6/31 (March 5 … 10)
    expect(aggregateProratedUsage(sum, events, window).units.toString()).toBe("16");
  });

  it("counts days in the customer's timezone", () => {
    const event = usageEvent("2023-03-15T20:00:00Z", { value: 31 });
    const newYork: ChargesWindow = {
      from: "2023-03-01T05:00:00.000Z",
      to: "2023-04-01T04:00:00.000Z",
      periodDays: 31,
      timezone: "America/New_York",
    };
    const tokyo: ChargesWindow = {
      from: "2023-02-28T15:00:00.000Z",
      to: "2023-03-31T15:00:00.000Z",
      periodDays: 31,
      timezone: "Asia/Tokyo",
    };
    expect(aggregateProratedUsage(sum, [event], newYork).units.toString()).toBe("17");
    expect(aggregateProratedUsage(sum, [event], tokyo).units.toString()).toBe("16");
  });

  it("rounds both the prorated and the full units with the metric's rounding", () => {
    const rounding = metricDefinition("sum_agg", {
      recurring: true,
      roundingFunction: "floor",
      roundingPrecision: 1,
    });
    const result = aggregateProratedUsage(rounding, baseEvents(), FROM_MARCH_15);
    expect(result.units.toString()).toBe("6.4");
    expect(result.fullUnits.toString()).toBe("15");
  });
});

describe("prorated unique_count_agg", () => {
  const unique = metricDefinition("unique_count_agg", { recurring: true });
  const event = (timestamp: string, value: number, operation?: string) =>
    usageEvent(timestamp, operation === undefined ? { value } : { value, operation_type: operation });

  it("divides the whole days once: 31 + 28 + 3 days of 31 is exactly 2 units, not 2.00001", () => {
    const kolkata: ChargesWindow = {
      from: "2023-02-28T18:30:00.000Z",
      to: "2023-03-31T18:30:00.000Z",
      periodDays: 31,
      timezone: "Asia/Kolkata",
    };
    const events = [
      event("2023-02-14T00:00:00Z", 1),
      event("2023-03-04T00:00:00Z", 2),
      event("2023-03-28T18:30:00Z", 3),
    ];
    expect(aggregateProratedUsage(unique, events, kolkata).units.toString()).toBe("2");
  });

  it("counts a value removed the day it was added for that day (Lago spec: 71/31 = 2.29)", () => {
    const events = [
      ...baseEvents(),
      event("2023-03-16T00:00:00Z", 2),
      event("2023-03-16T23:59:59Z", 2, "remove"),
    ];
    const result = aggregateProratedUsage(unique, events, FROM_MARCH_15);
    expect(result.units.toDecimalPlaces(3).toString()).toBe("2.29");
    expect(result.units.toString()).toBe("2.29033");
    expect(result.fullUnits.toString()).toBe("5");
    expect(result.eventsCount).toBe(2);
    // Lago's breakdown rows: value 1 (16/31), value 2 added (1/31), removed, re-added (15/31), 3, 4, 5.
    expect(strings(result.eventValues)).toEqual(["1", "1", "-1", "1", "1", "1", "1"]);
    expect(rounded3(result.proratedEventValues)).toEqual([
      "0.516",
      "0.032",
      "0",
      "0.484",
      "0.452",
      "0.419",
      "0.387",
    ]);
  });

  it("merges many adds and removes within a day (Lago spec: 58/31 = 1.871)", () => {
    const events = [
      ...baseEvents(),
      event("2023-03-15T00:00:00Z", 2, "remove"),
      event("2023-03-15T01:00:00Z", 2, "add"),
      event("2023-03-15T02:00:00Z", 2, "remove"),
      event("2023-03-15T03:00:00Z", 2, "add"),
      event("2023-03-16T00:00:00Z", 2, "remove"),
      event("2023-03-16T01:00:00Z", 2, "add"),
      event("2023-03-17T01:00:00Z", 2, "remove"),
    ];
    const result = aggregateProratedUsage(unique, events, FROM_MARCH_15);
    expect(result.units.toDecimalPlaces(3).toString()).toBe("1.871");
    expect(result.fullUnits.toString()).toBe("4");
  });

  it("counts the days a value was active after an earlier removal (where Lago's Postgres store drops them)", () => {
    const events = [
      event("2023-03-02T10:00:00Z", 7),
      event("2023-03-03T10:00:00Z", 7, "remove"),
      event("2023-03-05T10:00:00Z", 7),
      event("2023-03-05T11:00:00Z", 7, "remove"),
    ];
    // March 2, 3 and 5.
    expect(aggregateProratedUsage(unique, events, utcMonth(2023, 3)).units.toString()).toBe("0.09678");
  });

  it("bills a value active since an earlier period from the window start to its removal day", () => {
    const events = [event("2023-01-10T00:00:00Z", 7), event("2023-03-10T00:00:00Z", 7, "remove")];
    // March 1 … 10; the removal day counts.
    expect(aggregateProratedUsage(unique, events, utcMonth(2023, 3)).units.toString()).toBe("0.32259");
    expect(aggregateProratedUsage(unique, events, utcMonth(2023, 4)).units.toString()).toBe("0");
  });
});

describe("aggregateProratedUsage", () => {
  it("refuses metered metrics and aggregation types Lago does not prorate", () => {
    const march = utcMonth(2023, 3);
    expect(() => aggregateProratedUsage(metricDefinition("sum_agg"), [], march)).toThrow(
      ProrationNotSupportedError,
    );
    expect(() =>
      aggregateProratedUsage(metricDefinition("weighted_sum_agg", { recurring: true }), [], march),
    ).toThrow(ProrationNotSupportedError);
  });
});
