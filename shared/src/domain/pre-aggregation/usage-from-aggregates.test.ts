import { describe, expect, it } from "vitest";
import { aggregateUsage } from "../aggregation/aggregate-usage.js";
import type { MetricDefinition } from "../aggregation/metric-definition.js";
import { metricDefinition, usageEvent, utcMonth } from "../aggregation/test-events.js";
import type { UsageEvent } from "../usage-event.js";
import { EMPTY_TOTALS, foldEvents } from "./aggregate-totals.js";
import { foldUniqueValues } from "./unique-values.js";
import { usageFromAggregates } from "./usage-from-aggregates.js";

const MARCH = utcMonth(2023, 3);
const APRIL = utcMonth(2023, 4);

/** Totals of the events before a window and inside it, as the store would hold them. */
function fromTotals(metric: MetricDefinition, events: readonly UsageEvent[], window = MARCH) {
  const before = events.filter((event) => Date.parse(event.timestamp) < Date.parse(window.from));
  const inside = events.filter(
    (event) =>
      Date.parse(event.timestamp) >= Date.parse(window.from) &&
      Date.parse(event.timestamp) < Date.parse(window.to),
  );
  const states = foldUniqueValues(metric, metric.recurring ? [...before, ...inside] : inside);
  return usageFromAggregates({
    metric,
    window,
    periodTotals: foldEvents(metric, inside, window.timezone),
    carriedTotals: foldEvents(metric, before, window.timezone),
    uniqueValues: [...states.values()],
  });
}

describe("usageFromAggregates", () => {
  it("reproduces Lago's weighted sum example from totals", () => {
    const metric = metricDefinition("weighted_sum_agg", { recurring: true });
    const events = [
      usageEvent("2023-03-05T00:00:00Z", { value: 2500 }),
      usageEvent("2023-04-04T00:00:00Z", { value: -2000 }),
      usageEvent("2023-04-06T00:00:00Z", { value: -200 }),
    ];
    const march = fromTotals(metric, events, MARCH);
    expect(march.units.toDecimalPlaces(6).toString()).toBe("2177.419355");
    expect(march.totalAggregatedUnits?.toString()).toBe("2500");
    const april = fromTotals(metric, events, APRIL);
    expect(april.units.toDecimalPlaces(6).toString()).toBe("533.333333");
    expect(april.totalAggregatedUnits?.toString()).toBe("300");
    expect(april.eventsCount).toBe(2);
    expect(april.units.toString()).toBe(aggregateUsage(metric, events, APRIL).units.toString());
  });

  it("carries a recurring sum over, with every earlier event counted", () => {
    const metric = metricDefinition("sum_agg", { recurring: true });
    const events = [
      usageEvent("2023-02-10T00:00:00Z", { value: 3 }, { preciseTotalAmountCents: "10" }),
      usageEvent("2023-03-10T00:00:00Z", { value: "1.5" }, { preciseTotalAmountCents: "2.5" }),
    ];
    const usage = fromTotals(metric, events);
    expect(usage.units.toString()).toBe("4.5");
    expect(usage.eventsCount).toBe(2);
    expect(usage.preciseTotalAmountCents.toString()).toBe("12.5");
    const metered = fromTotals({ ...metric, recurring: false }, events);
    expect(metered.units.toString()).toBe("1.5");
  });

  it("bills a negative latest value as 0 and rounds as the metric says", () => {
    const latest = metricDefinition("latest_agg");
    expect(fromTotals(latest, [usageEvent("2023-03-10T00:00:00Z", { value: -4 })]).units.toString()).toBe(
      "0",
    );
    const max = metricDefinition("max_agg", { roundingFunction: "ceil", roundingPrecision: -1 });
    expect(fromTotals(max, [usageEvent("2023-03-10T00:00:00Z", { value: 41 })]).units.toString()).toBe("50");
  });

  it("counts active unique values, the count being the events count", () => {
    const metric = metricDefinition("unique_count_agg", { recurring: true, fieldName: "user" });
    const events = [
      usageEvent("2023-02-10T00:00:00Z", { user: "a" }),
      usageEvent("2023-03-10T00:00:00Z", { user: "b" }),
      usageEvent("2023-03-11T00:00:00Z", { user: "a", operation_type: "remove" }),
      usageEvent("2023-03-12T00:00:00Z", { user: "c" }),
    ];
    const usage = fromTotals(metric, events);
    expect(usage.units.toString()).toBe("2");
    expect(usage.eventsCount).toBe(2);
  });

  it("never returns per-event values: totals do not have them", () => {
    const metric = metricDefinition("sum_agg");
    expect(fromTotals(metric, [usageEvent("2023-03-10T00:00:00Z", { value: 1 })]).eventValues).toEqual([]);
  });

  it("refuses unique value states the window cannot contain", () => {
    const metric = metricDefinition("unique_count_agg", { fieldName: "user" });
    const [late] = foldUniqueValues(metric, [usageEvent("2023-04-01T00:00:00Z", { user: "a" })]).values();
    const [early] = foldUniqueValues(metric, [usageEvent("2023-02-28T23:59:59Z", { user: "a" })]).values();
    if (!late || !early) throw new Error("no state");
    const read = (recurring: boolean, state: typeof late) =>
      usageFromAggregates({
        metric: { ...metric, recurring },
        window: MARCH,
        periodTotals: EMPTY_TOTALS,
        carriedTotals: EMPTY_TOTALS,
        uniqueValues: [state],
      });
    expect(() => read(false, late)).toThrow(RangeError);
    expect(() => read(true, late)).toThrow(RangeError);
    expect(() => read(false, early)).toThrow(RangeError);
    expect(read(true, early).units.toString()).toBe("1");
  });
});
