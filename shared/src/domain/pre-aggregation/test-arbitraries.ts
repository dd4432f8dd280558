import fc from "fast-check";
import { ALL_FILTER_VALUES, type ChargeFilterDefinition } from "../aggregation/charge-filters.js";
import {
  type MetricDefinition,
  REFERENCE_AGGREGATION_TYPES,
  type RoundingFunction,
} from "../aggregation/metric-definition.js";
import type { MetricFilter } from "../catalog.js";
import {
  BILLING_TIMES,
  type BillingPeriod,
  type BillingSchedule,
  periodAfter,
  periodContaining,
} from "../periods.js";
import type { UsageEvent } from "../usage-event.js";

/** Random scenarios for this folder's property tests: periods, a metric, charges and events. */

export const ZONES = [
  "UTC",
  "America/New_York",
  "Europe/Paris",
  "Asia/Kolkata",
  "Asia/Kathmandu",
  "America/St_Johns",
  "Australia/Lord_Howe",
  "Pacific/Chatham",
  "Pacific/Apia",
] as const;

export const METRIC_FILTERS: readonly MetricFilter[] = [
  { key: "region", values: ["us", "eu", "1"] },
  { key: "tier", values: ["free", "pro"] },
];
export const GROUP_KEYS = ["plan", "tier", "region"] as const;

const DAY = 86_400_000;
const RANGE = { min: Date.UTC(2023, 0, 1), max: Date.UTC(2025, 11, 31) };

export interface Scenario {
  readonly timezone: string;
  readonly schedule: BillingSchedule;
  /** Consecutive periods to check, oldest first. */
  readonly periods: readonly BillingPeriod[];
  readonly metric: MetricDefinition;
  readonly groupKeys: readonly string[];
  readonly chargeFilters: readonly ChargeFilterDefinition[];
  readonly chargeGroupKeys: readonly string[];
  readonly events: readonly UsageEvent[];
  /** Which delivery each event arrives in. */
  readonly deliveries: readonly number[];
}

const schedule: fc.Arbitrary<BillingSchedule> = fc.record({
  interval: fc.constantFrom("weekly" as const, "monthly" as const, "quarterly" as const),
  billingTime: fc.constantFrom(...BILLING_TIMES),
  anchorDate: fc
    .integer({ min: RANGE.min / DAY, max: RANGE.max / DAY })
    .map((day) => new Date(day * DAY).toISOString().slice(0, 10)),
});

const rounding = fc.record({
  roundingFunction: fc.option(fc.constantFrom<RoundingFunction>("round", "ceil", "floor"), { nil: null }),
  roundingPrecision: fc.option(fc.integer({ min: -1, max: 4 }), { nil: null }),
});

const metric: fc.Arbitrary<MetricDefinition> = fc
  .record({
    aggregationType: fc.constantFrom(...REFERENCE_AGGREGATION_TYPES),
    recurring: fc.boolean(),
    uniqueField: fc.constantFrom("uid", "uid", "value"),
    rounding,
    filters: fc.subarray([...METRIC_FILTERS]),
  })
  .map(
    ({
      aggregationType,
      recurring,
      uniqueField,
      rounding: { roundingFunction, roundingPrecision },
      filters,
    }) => ({
      code: "metric",
      aggregationType,
      fieldName:
        aggregationType === "count_agg"
          ? null
          : aggregationType === "unique_count_agg"
            ? uniqueField
            : "value",
      recurring,
      roundingFunction,
      roundingPrecision,
      filters,
    }),
  );

function chargeFilters(metricFilters: readonly MetricFilter[]): fc.Arbitrary<ChargeFilterDefinition[]> {
  if (metricFilters.length === 0) return fc.constant([]);
  const one = fc
    .subarray([...metricFilters], { minLength: 1 })
    .chain((filters) =>
      fc.tuple(
        ...filters.map((filter) =>
          fc
            .subarray([...filter.values, ALL_FILTER_VALUES], { minLength: 1 })
            .map((values) => [filter.key, values] as const),
        ),
      ),
    )
    .map((entries) => Object.fromEntries(entries));
  return fc
    .array(one, { maxLength: 4 })
    .map((list) => list.map((values, index) => ({ id: `f${index}`, values })));
}

const propertyValue = fc.oneof(
  { arbitrary: fc.integer({ min: -20, max: 50 }), weight: 4 },
  {
    arbitrary: fc.integer({ min: -500_000, max: 500_000 }).map((cents) => (cents / 100).toFixed(2)),
    weight: 2,
  },
  { arbitrary: fc.constantFrom(2.5, -0.25, "-0", "007", "0.10", "123456.789"), weight: 1 },
  {
    arbitrary: fc.constantFrom("abc", "", "1e3", " 1", "+1", ".5", null, undefined, true, { nested: 1 }),
    weight: 1,
  },
);

function eventShape(instants: fc.Arbitrary<number>) {
  return fc.record({
    at: instants,
    code: fc.constantFrom("metric", "metric", "metric", "other"),
    receivedSecond: fc.integer({ min: 0, max: 2 }),
    transaction: fc.constantFrom("tx-a", "tx-b", "tx-c"),
    value: propertyValue,
    uid: fc.constantFrom("a", "b", "c", 1, "1", "", null, undefined, true),
    operation: fc.constantFrom(undefined, "add", "remove", "remove", "", null, "delete"),
    region: fc.constantFrom("us", "us", "eu", 1, "1", "asia", "", null, undefined),
    tier: fc.constantFrom("free", "pro", "pro", "PRO", undefined),
    plan: fc.constantFrom("a", "a", "b", "", null, undefined, 2, true),
    precise: fc.option(
      fc.integer({ min: -1000, max: 100_000 }).map((cents) => (cents / 100).toString()),
      { nil: null },
    ),
    delivery: fc.integer({ min: 0, max: 4 }),
  });
}

/** Instants around the periods: their bounds (and one ms either side), anywhere, or shared ones. */
function instants(periods: readonly BillingPeriod[]): fc.Arbitrary<number> {
  const first = Date.parse(periods[0]?.startsAt ?? "");
  const last = Date.parse(periods.at(-1)?.endsAt ?? "");
  const span = last - first;
  const bounds = periods.flatMap((period) => [Date.parse(period.startsAt), Date.parse(period.endsAt)]);
  return fc.oneof(
    { arbitrary: fc.integer({ min: first, max: last - 1 }), weight: 4 },
    { arbitrary: fc.constantFrom(...bounds).chain((at) => fc.constantFrom(at, at - 1, at + 1)), weight: 1 },
    {
      arbitrary: fc.integer({ min: first - Math.floor(span / 2), max: last + Math.floor(span / 4) }),
      weight: 1,
    },
    {
      arbitrary: fc.integer({ min: 0, max: 5 }).map((n) => first + Math.floor(span / 3) + n * 3_600_000),
      weight: 1,
    },
  );
}

export const scenario: fc.Arbitrary<Scenario> = fc
  .record({
    timezone: fc.constantFrom(...ZONES),
    schedule,
    start: fc.integer(RANGE),
    count: fc.integer({ min: 1, max: 3 }),
    metric,
    groupKeys: fc.subarray([...GROUP_KEYS]),
  })
  .chain(({ timezone, schedule: billing, start, count, metric: definition, groupKeys }) => {
    const periods = [periodContaining(billing, timezone, new Date(start).toISOString())];
    while (periods.length < count) {
      periods.push(periodAfter(billing, timezone, periods.at(-1) as BillingPeriod));
    }
    return fc
      .record({
        shapes: fc.array(eventShape(instants(periods)), { maxLength: 80 }),
        chargeFilters: chargeFilters(definition.filters),
        chargeGroupKeys: fc.subarray(groupKeys),
      })
      .map(({ shapes, chargeFilters: filters, chargeGroupKeys }) => ({
        timezone,
        schedule: billing,
        periods,
        metric: definition,
        groupKeys,
        chargeFilters: filters,
        chargeGroupKeys,
        events: shapes.map((shape, index) => toEvent(shape, index)),
        deliveries: shapes.map((shape) => shape.delivery),
      }));
  });

type Shape = ReturnType<typeof eventShape> extends fc.Arbitrary<infer T> ? T : never;

function toEvent(shape: Shape, index: number): UsageEvent {
  return {
    lagoId: `lago-${index}`,
    transactionId: shape.transaction,
    externalSubscriptionId: "sub-1",
    code: shape.code,
    timestamp: new Date(shape.at).toISOString(),
    properties: {
      value: shape.value,
      uid: shape.uid,
      operation_type: shape.operation,
      region: shape.region,
      tier: shape.tier,
      plan: shape.plan,
    },
    preciseTotalAmountCents: shape.precise,
    receivedAt: new Date(Date.UTC(2030, 0, 1, 0, 0, shape.receivedSecond)).toISOString(),
  };
}
