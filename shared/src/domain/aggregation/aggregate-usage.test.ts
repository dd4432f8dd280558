import { describe, expect, it } from "vitest";
import { aggregateUsage } from "./aggregate-usage.js";
import { metricDefinition, usageEvent, utcMonth } from "./test-events.js";

const MARCH = utcMonth(2023, 3);
const strings = (values: readonly { toString(): string }[]) => values.map((value) => value.toString());

describe("event selection", () => {
  const count = metricDefinition("count_agg");

  it("counts an event exactly at the window start and not one exactly at its end", () => {
    const events = [
      usageEvent("2023-02-28T23:59:59.999Z"),
      usageEvent("2023-03-01T00:00:00.000Z"),
      usageEvent("2023-03-31T23:59:59.999Z"),
      usageEvent("2023-04-01T00:00:00.000Z"),
    ];
    expect(aggregateUsage(count, events, MARCH).eventsCount).toBe(2);
  });

  it("ignores events of other metric codes", () => {
    const events = [
      usageEvent("2023-03-02T00:00:00Z"),
      usageEvent("2023-03-02T00:00:00Z", {}, { code: "other" }),
    ];
    expect(aggregateUsage(count, events, MARCH).units.toString()).toBe("1");
  });

  it("refuses a window that ends before it starts", () => {
    expect(() => aggregateUsage(count, [], { ...MARCH, from: MARCH.to, to: MARCH.from })).toThrow(RangeError);
  });
});

describe("count_agg", () => {
  it("counts every event of the window whatever its properties, one per event value", () => {
    const events = [usageEvent("2023-03-02T00:00:00Z", { value: "x" }), usageEvent("2023-03-03T00:00:00Z")];
    const result = aggregateUsage(metricDefinition("count_agg"), events, MARCH);
    expect(result.units.toString()).toBe("2");
    expect(strings(result.eventValues)).toEqual(["1", "1"]);
    expect(result.totalAggregatedUnits).toBeNull();
  });
});

describe("sum_agg", () => {
  const sum = metricDefinition("sum_agg");

  it("sums numbers and numeric strings exactly, skipping what Lago does not read as numeric", () => {
    const values: unknown[] = [0.1, "0.2", "-1.5", "abc", "+1", "1e3", ".5", " 1", true, null, undefined];
    const events = values.map((value, day) =>
      usageEvent(`2023-03-${String(day + 2).padStart(2, "0")}`, { value }),
    );
    const result = aggregateUsage(sum, [...events, usageEvent("2023-03-20T00:00:00Z", {})], MARCH);
    expect(result.units.toString()).toBe("-1.2");
    expect(result.eventsCount).toBe(3);
    expect(strings(result.eventValues)).toEqual(["0.1", "0.2", "-1.5"]);
  });

  it("lists per-event values in timestamp order whatever the input order", () => {
    const events = [
      usageEvent("2023-03-05T00:00:00Z", { value: 3 }),
      usageEvent("2023-03-02T00:00:00Z", { value: 1 }),
      usageEvent("2023-03-04T00:00:00Z", { value: 2 }),
    ];
    expect(strings(aggregateUsage(sum, events, MARCH).eventValues)).toEqual(["1", "2", "3"]);
  });

  it("adds up precise_total_amount_cents of the summed events for dynamic pricing", () => {
    const events = [
      usageEvent("2023-03-02T00:00:00Z", { value: 10 }, { preciseTotalAmountCents: "20.1" }),
      usageEvent("2023-03-03T00:00:00Z", { value: 10 }, { preciseTotalAmountCents: "20.1" }),
      usageEvent("2023-03-03T00:00:00Z", { value: 1 }),
      usageEvent("2023-03-04T00:00:00Z", { value: "n/a" }, { preciseTotalAmountCents: "99" }),
    ];
    const result = aggregateUsage(sum, events, MARCH);
    expect(result.units.toString()).toBe("21");
    expect(result.preciseTotalAmountCents.toString()).toBe("40.2");
  });

  it("carries a recurring sum over from earlier periods, per-event values staying in the window", () => {
    const recurring = metricDefinition("sum_agg", { recurring: true });
    const events = [
      usageEvent("2023-01-15T00:00:00Z", { value: 5 }),
      usageEvent("2023-02-15T00:00:00Z", { value: -2 }),
      usageEvent("2023-03-15T00:00:00Z", { value: 4 }),
      usageEvent("2023-04-15T00:00:00Z", { value: 100 }),
    ];
    const result = aggregateUsage(recurring, events, MARCH);
    expect(result.units.toString()).toBe("7");
    expect(result.eventsCount).toBe(3);
    expect(strings(result.eventValues)).toEqual(["4"]);
    expect(aggregateUsage(sum, events, MARCH).units.toString()).toBe("4");
  });
});

describe("max_agg", () => {
  const max = metricDefinition("max_agg");

  it("takes the largest value, keeps negatives, and reports only the first maximum per event", () => {
    const events = [
      usageEvent("2023-03-02T00:00:00Z", { value: "-7" }),
      usageEvent("2023-03-03T00:00:00Z", { value: 4 }),
      usageEvent("2023-03-04T00:00:00Z", { value: "4.0" }),
      usageEvent("2023-03-05T00:00:00Z", { value: 1 }),
    ];
    const result = aggregateUsage(max, events, MARCH);
    expect(result.units.toString()).toBe("4");
    expect(result.eventsCount).toBe(4);
    expect(strings(result.eventValues)).toEqual(["0", "4", "0", "0"]);
    expect(aggregateUsage(max, events.slice(0, 1), MARCH).units.toString()).toBe("-7");
  });

  it("is 0 without numeric events", () => {
    expect(
      aggregateUsage(max, [usageEvent("2023-03-02T00:00:00Z", { value: "x" })], MARCH).units.toString(),
    ).toBe("0");
  });
});

describe("latest_agg", () => {
  const latest = metricDefinition("latest_agg");

  it("takes the value of the most recent numeric event, by timestamp not input order", () => {
    const events = [
      usageEvent("2023-03-09T00:00:00Z", { value: "n/a" }),
      usageEvent("2023-03-08T00:00:00Z", { value: 8 }),
      usageEvent("2023-03-02T00:00:00Z", { value: 2 }),
    ];
    const result = aggregateUsage(latest, events, MARCH);
    expect(result.units.toString()).toBe("8");
    expect(result.eventsCount).toBe(2);
  });

  it("bills a negative latest value as 0, and nothing as 0", () => {
    const events = [
      usageEvent("2023-03-02T00:00:00Z", { value: 5 }),
      usageEvent("2023-03-03T00:00:00Z", { value: -3 }),
    ];
    expect(aggregateUsage(latest, events, MARCH).units.toString()).toBe("0");
    expect(aggregateUsage(latest, [], MARCH).units.toString()).toBe("0");
  });

  it("breaks a timestamp tie with the event received last", () => {
    const at = "2023-03-02T00:00:00Z";
    const events = [
      usageEvent(at, { value: 2 }, { receivedAt: "2023-03-02T00:00:05.000Z", transactionId: "a" }),
      usageEvent(at, { value: 1 }, { receivedAt: "2023-03-02T00:00:01.000Z", transactionId: "b" }),
    ];
    expect(aggregateUsage(latest, events, MARCH).units.toString()).toBe("2");
    expect(aggregateUsage(latest, [...events].reverse(), MARCH).units.toString()).toBe("2");
  });
});

describe("unique_count_agg", () => {
  const unique = metricDefinition("unique_count_agg");
  const op = (day: string, value: unknown, operation?: string) =>
    usageEvent(
      `2023-03-${day}T00:00:00Z`,
      operation === undefined ? { value } : { value, operation_type: operation },
    );

  it("counts an add only when the value is not active and a remove only when it is", () => {
    const events = [
      op("02", "a"),
      op("03", "a", "add"),
      op("04", "b"),
      op("05", "c", "remove"),
      op("06", "b", "remove"),
      op("07", "b", "remove"),
      op("08", "d"),
      op("09", "d", "remove"),
      op("10", "d", "add"),
    ];
    const result = aggregateUsage(unique, events, MARCH);
    expect(result.units.toString()).toBe("2");
    expect(result.eventsCount).toBe(2);
    expect(result.eventValues).toHaveLength(9);
  });

  it('treats 1 and "1" as one value and skips events without the field', () => {
    const events = [op("02", 1), op("03", "1"), usageEvent("2023-03-04T00:00:00Z", {}), op("05", null)];
    expect(aggregateUsage(unique, events, MARCH).units.toString()).toBe("1");
  });

  it("ignores, in a metered count, the removal of a value added in an earlier period", () => {
    const events = [usageEvent("2023-02-10T00:00:00Z", { value: "a" }), op("02", "a", "remove")];
    expect(aggregateUsage(unique, events, MARCH).units.toString()).toBe("0");
  });

  it("carries values over in a recurring count until they are removed", () => {
    const recurring = metricDefinition("unique_count_agg", { recurring: true });
    const events = [
      usageEvent("2023-01-10T00:00:00Z", { value: "a" }),
      usageEvent("2023-02-10T00:00:00Z", { value: "b" }),
      op("02", "b", "remove"),
      op("03", "c"),
    ];
    expect(aggregateUsage(recurring, events, MARCH).units.toString()).toBe("2");
    expect(aggregateUsage(recurring, events, utcMonth(2023, 2)).units.toString()).toBe("2");
  });
});

describe("weighted_sum_agg (Lago spec: weighted_sum_agg_spec.rb, recurring, 1 per unit)", () => {
  const weighted = metricDefinition("weighted_sum_agg", { recurring: true });
  const history = [
    usageEvent("2023-03-05T00:00:00Z", { value: "2500" }),
    usageEvent("2023-04-04T00:00:00Z", { value: "-2000" }),
    usageEvent("2023-04-06T00:00:00Z", { value: "-200" }),
  ];

  it("bills March from the subscription start over the whole month: 2500 × 27/31", () => {
    const window = { ...MARCH, from: "2023-03-05T00:00:00.000Z" };
    const result = aggregateUsage(weighted, history, window);
    expect(result.units.toString()).toBe("2177.41935483870967741936");
    expect(result.units.times(100).toDecimalPlaces(0).toString()).toBe("217742");
    expect(result.totalAggregatedUnits?.toString()).toBe("2500");
    expect(result.eventsCount).toBe(1);
  });

  it("starts April from March's end value: 2500×3/30 + 500×2/30 + 300×25/30", () => {
    const result = aggregateUsage(weighted, history, utcMonth(2023, 4));
    expect(result.units.toString()).toBe("533.33333333333333333334");
    expect(result.units.times(100).toDecimalPlaces(0).toString()).toBe("53333");
    expect(result.totalAggregatedUnits?.toString()).toBe("300");
    expect(result.eventsCount).toBe(2);
  });

  it("starts a metered weighted sum from 0 each period", () => {
    const metered = metricDefinition("weighted_sum_agg");
    const result = aggregateUsage(metered, history, utcMonth(2023, 4));
    // 0 × 3/30 − 2000 × 2/30 − 2200 × 25/30, ceiled at the 20th decimal
    expect(result.units.toString()).toBe("-1966.66666666666666666666");
    expect(result.totalAggregatedUnits?.toString()).toBe("-2200");
  });

  it("gives a value held the whole window exactly its value", () => {
    const result = aggregateUsage(weighted, history.slice(0, 1), utcMonth(2023, 5));
    expect(result.units.toString()).toBe("2500");
    expect(result.eventsCount).toBe(0);
  });
});

describe("rounding", () => {
  const events = [0.4, 0.4, 0.4].map((value, day) => usageEvent(`2023-03-0${day + 2}`, { value }));

  it("rounds the aggregated total once, not each event", () => {
    const sum = metricDefinition("sum_agg", { roundingFunction: "round", roundingPrecision: 0 });
    expect(aggregateUsage(sum, events, MARCH).units.toString()).toBe("1");
  });

  it("applies each rounding function with its precision, defaulting to 0 digits", () => {
    const units = (roundingFunction: "round" | "ceil" | "floor", roundingPrecision: number | null) =>
      aggregateUsage(
        metricDefinition("sum_agg", { roundingFunction, roundingPrecision }),
        events,
        MARCH,
      ).units.toString();
    expect(units("ceil", null)).toBe("2");
    expect(units("floor", null)).toBe("1");
    expect(units("round", 1)).toBe("1.2");
    expect(units("ceil", -1)).toBe("10");
    expect(units("floor", -1)).toBe("0");
  });
});
