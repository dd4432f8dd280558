import { describe, expect, it } from "vitest";
import {
  aggregateProratedUsage,
  ProrationNotSupportedError,
} from "../aggregation/aggregate-prorated-usage.js";
import type { ChargesWindow, MetricDefinition } from "../aggregation/metric-definition.js";
import { metricDefinition, usageEvent, utcMonth } from "../aggregation/test-events.js";
import type { UsageEvent } from "../usage-event.js";
import { EMPTY_TOTALS, foldEvents } from "./aggregate-totals.js";
import { ProrationNeedsEventsError, proratedUsageFromAggregates } from "./prorated-usage-from-aggregates.js";

const MARCH = utcMonth(2023, 3);
const recurringSum = metricDefinition("sum_agg", { recurring: true });

function fromTotals(metric: MetricDefinition, events: readonly UsageEvent[], window: ChargesWindow = MARCH) {
  const fromMs = Date.parse(window.from);
  return proratedUsageFromAggregates({
    metric,
    window,
    periodTotals: foldEvents(
      metric,
      events.filter((event) => Date.parse(event.timestamp) >= fromMs),
      window.timezone,
    ),
    carriedTotals: foldEvents(
      metric,
      events.filter((event) => Date.parse(event.timestamp) < fromMs),
      window.timezone,
    ),
  });
}

describe("proratedUsageFromAggregates", () => {
  it("prorates each value over its remaining local days and the carry over the whole window", () => {
    const events = [
      usageEvent("2023-02-10T00:00:00Z", { value: 10 }),
      usageEvent("2023-03-22T12:00:00Z", { value: 31 }),
    ];
    const usage = fromTotals(recurringSum, events);
    // 10 for 31 days + 31 for 10 days (22nd to 31st), over 31 days.
    expect(usage.units.toString()).toBe("20");
    expect(usage.fullUnits.toString()).toBe("41");
    expect(usage.eventsCount).toBe(2);
    expect(usage.units.toString()).toBe(aggregateProratedUsage(recurringSum, events, MARCH).units.toString());
  });

  it("counts days in the customer's zone", () => {
    const kolkata: ChargesWindow = {
      from: "2023-02-28T18:30:00.000Z",
      to: "2023-03-31T18:30:00.000Z",
      periodDays: 31,
      timezone: "Asia/Kolkata",
    };
    // 20:00 UTC on the 30th is already the 31st in Kolkata: one day left.
    const events = [usageEvent("2023-03-30T20:00:00Z", { value: 31 })];
    expect(fromTotals(recurringSum, events, kolkata).units.toString()).toBe("1");
    expect(aggregateProratedUsage(recurringSum, events, kolkata).units.toString()).toBe("1");
  });

  it("divides once, so an exact total is not ceiled a step up (both paths)", () => {
    // 31 units for the last 5 days of March: exactly 5. Dividing each event's days by the period
    // first would give 5.000…001, ceiled to 5.00001 (6 with a ceil rounding).
    const events = [usageEvent("2023-03-27T00:00:00Z", { value: 31 })];
    expect(fromTotals(recurringSum, events).units.toString()).toBe("5");
    expect(aggregateProratedUsage(recurringSum, events, MARCH).units.toString()).toBe("5");
    const ceiled = { ...recurringSum, roundingFunction: "ceil" as const };
    expect(fromTotals(ceiled, events).units.toString()).toBe("5");
    expect(aggregateProratedUsage(ceiled, events, MARCH).units.toString()).toBe("5");
  });

  it("leaves prorated unique counts to raw events and refuses what cannot be prorated", () => {
    const input = { window: MARCH, periodTotals: EMPTY_TOTALS, carriedTotals: EMPTY_TOTALS };
    const unique = metricDefinition("unique_count_agg", { recurring: true });
    expect(() => proratedUsageFromAggregates({ ...input, metric: unique })).toThrow(
      ProrationNeedsEventsError,
    );
    expect(() => proratedUsageFromAggregates({ ...input, metric: metricDefinition("sum_agg") })).toThrow(
      ProrationNotSupportedError,
    );
    expect(() =>
      proratedUsageFromAggregates({ ...input, metric: metricDefinition("max_agg", { recurring: true }) }),
    ).toThrow(ProrationNotSupportedError);
  });

  it("refuses day sums counted in another zone than the window's", () => {
    const periodTotals = foldEvents(
      recurringSum,
      [usageEvent("2023-03-10T00:00:00Z", { value: 1 })],
      "Europe/Paris",
    );
    expect(() =>
      proratedUsageFromAggregates({
        metric: recurringSum,
        window: MARCH,
        periodTotals,
        carriedTotals: EMPTY_TOTALS,
      }),
    ).toThrow(RangeError);
  });
});
