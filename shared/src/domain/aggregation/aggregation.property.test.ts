import type Decimal from "decimal.js";
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { decimal } from "../money.js";
import type { UsageEvent } from "../usage-event.js";
import { aggregateProratedUsage } from "./aggregate-prorated-usage.js";
import { aggregateUsage } from "./aggregate-usage.js";
import { ALL_FILTER_VALUES, bucketByChargeFilters } from "./charge-filters.js";
import { type ChargesWindow, REFERENCE_AGGREGATION_TYPES } from "./metric-definition.js";
import { groupByPricingKeys } from "./pricing-groups.js";
import { metricDefinition, utcMonth } from "./test-events.js";

const MARCH = utcMonth(2023, 3);
const MARCH_MS = { from: Date.parse(MARCH.from), to: Date.parse(MARCH.to) };
const DAY = 86_400_000;

// Instants from mid-February to mid-April, biased towards the window bounds and shared timestamps.
const instant = fc.oneof(
  fc.constantFrom(MARCH_MS.from, MARCH_MS.to, MARCH_MS.to - 1, MARCH_MS.from + 10 * DAY),
  fc.integer({ min: MARCH_MS.from - 15 * DAY, max: MARCH_MS.to + 15 * DAY }),
  fc.integer({ min: 0, max: 60 * 24 }).map((minutes) => MARCH_MS.from + 3 * DAY + minutes * 60_000),
);
const propertyValue = fc.oneof(
  fc.integer({ min: -50, max: 50 }),
  fc.integer({ min: -5000, max: 5000 }).map((cents) => (cents / 100).toFixed(2)),
  fc.constantFrom("abc", "", null, undefined, "1e3"),
);
const eventShape = fc.record({
  at: instant,
  receivedSecond: fc.integer({ min: 0, max: 3 }),
  code: fc.constantFrom("metric", "metric", "metric", "other"),
  value: propertyValue,
  uniqueValue: fc.constantFrom("a", "b", "c", 1, "1", undefined),
  operation: fc.constantFrom(undefined, "add", "remove", "remove"),
  region: fc.constantFrom("us", "eu", "asia", "mars", undefined, 1),
  tier: fc.constantFrom("free", "pro", undefined),
  precise: fc.option(fc.integer({ min: 0, max: 1000 }).map(String), { nil: null }),
});
type EventShape = typeof eventShape extends fc.Arbitrary<infer T> ? T : never;

function toEvents(shapes: readonly EventShape[]): UsageEvent[] {
  return shapes.map((shape, index) => ({
    lagoId: `lago-${index}`,
    transactionId: `tx-${index}`,
    externalSubscriptionId: "sub-1",
    code: shape.code,
    timestamp: new Date(shape.at).toISOString(),
    properties: {
      value: shape.value,
      unique: shape.uniqueValue,
      operation_type: shape.operation,
      region: shape.region,
      tier: shape.tier,
    },
    preciseTotalAmountCents: shape.precise,
    receivedAt: new Date(Date.UTC(2023, 5, 1, 0, 0, shape.receivedSecond)).toISOString(),
  }));
}

const events = fc.array(eventShape, { maxLength: 40 }).map(toEvents);
/** The same events in another order. */
const eventsTwice = fc
  .array(fc.tuple(eventShape, fc.double({ noNaN: true })), { maxLength: 40 })
  .map((pairs) => {
    const list = toEvents(pairs.map(([shape]) => shape));
    const keys = new Map(list.map((event, index) => [event, pairs[index]?.[1] ?? 0]));
    return [list, [...list].sort((a, b) => (keys.get(a) ?? 0) - (keys.get(b) ?? 0))] as const;
  });

const fieldFor = (type: string) => (type === "unique_count_agg" ? "unique" : "value");
const text = (values: readonly Decimal[]) => values.map((value) => value.toString());

describe("reference aggregation properties", () => {
  it("does not depend on the order the events come in", () => {
    fc.assert(
      fc.property(
        eventsTwice,
        fc.constantFrom(...REFERENCE_AGGREGATION_TYPES),
        fc.boolean(),
        ([a, b], type, recurring) => {
          const metric = metricDefinition(type, {
            recurring,
            fieldName: type === "count_agg" ? null : fieldFor(type),
          });
          const left = aggregateUsage(metric, a, MARCH);
          const right = aggregateUsage(metric, b, MARCH);
          expect(right.units.toString()).toBe(left.units.toString());
          expect(right.eventsCount).toBe(left.eventsCount);
          expect(right.totalAggregatedUnits?.toString()).toBe(left.totalAggregatedUnits?.toString());
          expect(text(right.eventValues)).toEqual(text(left.eventValues));
          expect(right.preciseTotalAmountCents.toString()).toBe(left.preciseTotalAmountCents.toString());
        },
      ),
    );
  });

  it("prorates independently of the order the events come in", () => {
    fc.assert(
      fc.property(eventsTwice, fc.constantFrom("sum_agg", "unique_count_agg" as const), ([a, b], type) => {
        const metric = metricDefinition(type, { recurring: true, fieldName: fieldFor(type) });
        const left = aggregateProratedUsage(metric, a, MARCH);
        const right = aggregateProratedUsage(metric, b, MARCH);
        expect(right.units.toString()).toBe(left.units.toString());
        expect(right.fullUnits.toString()).toBe(left.fullUnits.toString());
        expect(text(right.proratedEventValues)).toEqual(text(left.proratedEventValues));
        expect(text(right.eventValues)).toEqual(text(left.eventValues));
      }),
    );
  });

  it("sums a metered window split in two to the sum of the whole window", () => {
    const sum = metricDefinition("sum_agg");
    fc.assert(
      fc.property(events, fc.integer({ min: MARCH_MS.from, max: MARCH_MS.to }), (list, split) => {
        const middle = new Date(split).toISOString();
        const first = aggregateUsage(sum, list, { ...MARCH, to: middle });
        const second = aggregateUsage(sum, list, { ...MARCH, from: middle });
        const whole = aggregateUsage(sum, list, MARCH);
        expect(first.units.plus(second.units).toString()).toBe(whole.units.toString());
        expect(first.eventsCount + second.eventsCount).toBe(whole.eventsCount);
      }),
    );
  });

  it("never counts fewer than zero unique values, prorated or not", () => {
    fc.assert(
      fc.property(events, fc.boolean(), (list, recurring) => {
        const metric = metricDefinition("unique_count_agg", { recurring, fieldName: "unique" });
        expect(aggregateUsage(metric, list, MARCH).units.isNegative()).toBe(false);
        if (recurring) {
          const prorated = aggregateProratedUsage(metric, list, MARCH);
          expect(prorated.units.isNegative()).toBe(false);
          // A value counts for at most every day of the period.
          const values = new Set(
            list
              .map((event) => event.properties.unique)
              .filter((v) => v !== undefined)
              .map(String),
          );
          expect(prorated.units.lessThanOrEqualTo(values.size)).toBe(true);
        }
      }),
    );
  });

  it("splits events between charge filters and the default bucket without losing or repeating one", () => {
    const metricFilters = [
      { key: "region", values: ["us", "eu", "asia"] },
      { key: "tier", values: ["free", "pro"] },
    ];
    const filterValues = fc.oneof(
      fc.record({ region: fc.subarray(["us", "eu", "asia", ALL_FILTER_VALUES], { minLength: 1 }) }),
      fc.record({ tier: fc.subarray(["free", "pro", ALL_FILTER_VALUES], { minLength: 1 }) }),
      fc.record({
        region: fc.subarray(["us", "eu", "asia", ALL_FILTER_VALUES], { minLength: 1 }),
        tier: fc.subarray(["free", "pro", ALL_FILTER_VALUES], { minLength: 1 }),
      }),
    );
    const count = metricDefinition("count_agg");
    fc.assert(
      fc.property(events, fc.array(filterValues, { maxLength: 6 }), (list, values) => {
        const filters = values.map((filterValue, index) => ({ id: `f${index}`, values: filterValue }));
        const buckets = bucketByChargeFilters(metricFilters, filters, list);
        const all = [...buckets.byFilterId.values(), buckets.defaultBucket].flat();
        expect(all).toHaveLength(list.length);
        expect(new Set(all).size).toBe(list.length);
        const counted = [...buckets.byFilterId.values(), buckets.defaultBucket]
          .map((bucket) => aggregateUsage(count, bucket, MARCH).eventsCount)
          .reduce((total, n) => total + n, 0);
        expect(counted).toBe(aggregateUsage(count, list, MARCH).eventsCount);
      }),
    );
  });

  it("splits events between pricing groups without losing or repeating one", () => {
    fc.assert(
      fc.property(events, fc.subarray(["region", "tier", "unique"]), (list, keys) => {
        const grouped = groupByPricingKeys(keys, list).flatMap((group) => group.events);
        expect(grouped).toHaveLength(list.length);
        expect(new Set(grouped).size).toBe(list.length);
      }),
    );
  });
});

describe("prorated unique count against the days each value was active", () => {
  // Local days in a zone with a fixed offset, computed without the engine's calendar code.
  const zones: { window: ChargesWindow; offsetMs: number }[] = [
    { window: MARCH, offsetMs: 0 },
    {
      window: {
        from: "2023-02-28T18:30:00.000Z",
        to: "2023-03-31T18:30:00.000Z",
        periodDays: 31,
        timezone: "Asia/Kolkata",
      },
      offsetMs: 5.5 * 3_600_000,
    },
  ];

  /** For each value: the local days of the window during which it was active (removal day included). */
  function activeDays(list: readonly UsageEvent[], window: ChargesWindow, offsetMs: number): number {
    const day = (ms: number) => Math.floor((ms + offsetMs) / DAY);
    const fromMs = Date.parse(window.from);
    const toMs = Date.parse(window.to);
    const firstDay = day(fromMs);
    const lastDay = day(toMs - 1);
    const byValue = new Map<string, UsageEvent[]>();
    for (const event of list) {
      const raw = event.properties.unique;
      if (event.code !== "metric" || raw === undefined || Date.parse(event.timestamp) >= toMs) continue;
      const key = String(raw);
      byValue.set(key, [...(byValue.get(key) ?? []), event]);
    }
    let total = 0;
    for (const valueEvents of byValue.values()) {
      valueEvents.sort(
        (a, b) =>
          Date.parse(a.timestamp) - Date.parse(b.timestamp) ||
          Date.parse(a.receivedAt) - Date.parse(b.receivedAt) ||
          (a.transactionId < b.transactionId ? -1 : 1),
      );
      const days = new Set<number>();
      let activeSince: number | null = null;
      const mark = (startMs: number, endDay: number, endMs: number) => {
        if (endMs < fromMs) return;
        for (let d = Math.max(day(startMs), firstDay); d <= Math.min(endDay, lastDay); d += 1) days.add(d);
      };
      for (const event of valueEvents) {
        const at = Date.parse(event.timestamp);
        const remove = event.properties.operation_type === "remove";
        if (!remove && activeSince === null) activeSince = at;
        if (remove && activeSince !== null) {
          mark(activeSince, day(at), at);
          activeSince = null;
        }
      }
      if (activeSince !== null) mark(activeSince, lastDay, toMs);
      total += days.size;
    }
    return total;
  }

  it("bills each value for the local days on which it was active", () => {
    const unique = metricDefinition("unique_count_agg", { recurring: true, fieldName: "unique" });
    fc.assert(
      fc.property(events, fc.constantFrom(...zones), (list, { window, offsetMs }) => {
        const expected = decimal(activeDays(list, window, offsetMs))
          .dividedBy(31)
          .toDecimalPlaces(5, 2);
        expect(aggregateProratedUsage(unique, list, window).units.toString()).toBe(expected.toString());
      }),
      { numRuns: 300 },
    );
  });
});
