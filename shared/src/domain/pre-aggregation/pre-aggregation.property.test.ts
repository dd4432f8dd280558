import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { aggregateProratedUsage } from "../aggregation/aggregate-prorated-usage.js";
import { aggregateUsage } from "../aggregation/aggregate-usage.js";
import { bucketByChargeFilters } from "../aggregation/charge-filters.js";
import type { ChargesWindow } from "../aggregation/metric-definition.js";
import { groupByPricingKeys } from "../aggregation/pricing-groups.js";
import type { UsageAggregation } from "../aggregation/usage-aggregation.js";
import { type BillingPeriod, periodContaining } from "../periods.js";
import type { UsageEvent } from "../usage-event.js";
import { EMPTY_TOTALS, foldEvents, mergeTotals } from "./aggregate-totals.js";
import { bucketChargeFilterMatcher } from "./bucket-filters.js";
import { pricingGroupOfBucket } from "./bucket-groups.js";
import { bucketKey } from "./bucket-key.js";
import { proratedUsageFromAggregates } from "./prorated-usage-from-aggregates.js";
import { type Scenario, scenario } from "./test-arbitraries.js";
import type { AggregateTotals, UniqueValueState, UsageBucket } from "./types.js";
import { foldUniqueValues, mergeUniqueValues } from "./unique-values.js";
import { usageBucket } from "./usage-bucket.js";
import { type AggregatesInput, usageFromAggregates } from "./usage-from-aggregates.js";

/*
 * The contract of pre-aggregation: events split into arbitrary deliveries, each folded per
 * (period, bucket), the deltas merged in a random order and grouping, read back for a whole period,
 * give what the reference engine computes from the raw events of the same buckets.
 */

// ~2.5 ms a run; PRE_AGGREGATION_RUNS=20000 for a deeper search.
const RUNS = Number(process.env.PRE_AGGREGATION_RUNS ?? 1000);

type Gen = fc.GeneratorValue;

/** What the store would hold for one (period, bucket): merged totals and unique value states. */
interface Stored {
  readonly periodMs: number;
  readonly bucketKey: string;
  readonly bucket: UsageBucket;
  readonly totals: AggregateTotals;
  readonly uniqueValues: readonly UniqueValueState[];
}

interface Placed {
  readonly event: UsageEvent;
  readonly period: BillingPeriod;
  readonly bucket: UsageBucket;
  readonly bucketKey: string;
}

function place(s: Scenario): Placed[] {
  return s.events.map((event) => {
    const bucket = usageBucket(s.metric, s.groupKeys, event);
    return {
      event,
      period: periodContaining(s.schedule, s.timezone, event.timestamp),
      bucket,
      bucketKey: bucketKey(bucket),
    };
  });
}

function slotOf(placed: Pick<Placed, "period" | "bucketKey">): string {
  return JSON.stringify([placed.period.startsAt, placed.bucketKey]);
}

/** Each delivery folded on its own per (period, bucket), then every delta merged in a random tree. */
function preAggregate(s: Scenario, placed: readonly Placed[], g: Gen): Stored[] {
  const deltas = new Map<string, { totals: AggregateTotals[]; states: UniqueValueState[]; first: Placed }>();
  for (const delivery of new Set(s.deliveries)) {
    const bySlot = new Map<string, Placed[]>();
    placed.forEach((entry, index) => {
      if (s.deliveries[index] !== delivery) return;
      const slot = slotOf(entry);
      bySlot.set(slot, [...(bySlot.get(slot) ?? []), entry]);
    });
    for (const [slot, entries] of bySlot) {
      const events = entries.map(({ event }) => event);
      const first = entries[0] as Placed;
      const known = deltas.get(slot) ?? { totals: [], states: [], first };
      known.totals.push(foldEvents(s.metric, events, s.timezone));
      if (s.metric.aggregationType === "unique_count_agg") {
        known.states.push(...foldUniqueValues(s.metric, events).values());
      }
      deltas.set(slot, known);
    }
  }
  return [...deltas.values()].map(({ totals, states, first }) => ({
    periodMs: Date.parse(first.period.startsAt),
    bucketKey: first.bucketKey,
    bucket: first.bucket,
    totals: mergeInRandomTree(totals, g),
    uniqueValues: [...mergeUniqueValues(shuffled(states, g)).values()],
  }));
}

function shuffled<T>(items: readonly T[], g: Gen): T[] {
  return items.length < 2 ? [...items] : g(fc.shuffledSubarray, [...items], { minLength: items.length });
}

function mergeInRandomTree(items: readonly AggregateTotals[], g: Gen): AggregateTotals {
  const list = shuffled(items, g);
  while (list.length > 1) {
    const index = g(fc.integer, { min: 0, max: list.length - 2 });
    const a = list[index] as AggregateTotals;
    const b = list[index + 1] as AggregateTotals;
    list.splice(index, 2, g(fc.boolean) ? mergeTotals(b, a) : mergeTotals(a, b));
  }
  return list[0] ?? EMPTY_TOTALS;
}

function windowOf(period: BillingPeriod, timezone: string): ChargesWindow {
  return { from: period.startsAt, to: period.endsAt, periodDays: period.days, timezone };
}

/** What the reader gathers for some buckets of one period: the merges a usage query does. */
function readAggregates(
  s: Scenario,
  stored: readonly Stored[],
  period: BillingPeriod,
  keys: ReadonlySet<string>,
) {
  const periodMs = Date.parse(period.startsAt);
  const mine = stored.filter((entry) => keys.has(entry.bucketKey));
  const merge = (entries: readonly Stored[]) =>
    entries.reduce((totals, entry) => mergeTotals(totals, entry.totals), EMPTY_TOTALS);
  const uniqueScope = mine.filter((entry) =>
    s.metric.recurring ? entry.periodMs <= periodMs : entry.periodMs === periodMs,
  );
  return {
    metric: s.metric,
    window: windowOf(period, s.timezone),
    periodTotals: merge(mine.filter((entry) => entry.periodMs === periodMs)),
    carriedTotals: merge(mine.filter((entry) => entry.periodMs < periodMs)),
    uniqueValues: uniqueScope.flatMap((entry) => entry.uniqueValues),
  } satisfies AggregatesInput;
}

function summary(usage: Omit<UsageAggregation, "eventValues">) {
  return {
    units: usage.units.toString(),
    eventsCount: usage.eventsCount,
    totalAggregatedUnits: usage.totalAggregatedUnits?.toString() ?? null,
    preciseTotalAmountCents: usage.preciseTotalAmountCents.toString(),
  };
}

/** Prorated sums: equal to the reference, which divides once as the totals do. */
function expectProratedSum(
  s: Scenario,
  input: AggregatesInput,
  events: readonly UsageEvent[],
  label: string,
) {
  const mine = proratedUsageFromAggregates(input);
  const reference = aggregateProratedUsage(s.metric, events, input.window);
  expect({ ...summary(mine), fullUnits: mine.fullUnits.toString() }, label).toEqual({
    ...summary(reference),
    fullUnits: reference.fullUnits.toString(),
  });
}

function check(s: Scenario, g: Gen): void {
  const placed = place(s);
  const stored = preAggregate(s, placed, g);
  const allKeys = new Set(placed.map((entry) => entry.bucketKey));
  const prorated = s.metric.recurring && s.metric.aggregationType === "sum_agg";

  for (const period of s.periods) {
    const window = windowOf(period, s.timezone);
    // Every bucket on its own.
    for (const key of allKeys) {
      const events = placed.filter((entry) => entry.bucketKey === key).map(({ event }) => event);
      const input = readAggregates(s, stored, period, new Set([key]));
      const label = `bucket ${key}, period ${period.startsAt}`;
      expect(summary(usageFromAggregates(input)), label).toEqual(
        summary(aggregateUsage(s.metric, events, window)),
      );
      expect(usageFromAggregates(input).eventValues).toEqual([]);
      if (prorated) expectProratedSum(s, input, events, label);
    }

    // Buckets merged per charge filter and pricing group, as a charge's fees read them.
    const matcher = bucketChargeFilterMatcher(s.metric.filters, s.chargeFilters);
    const split = bucketByChargeFilters(
      s.metric.filters,
      s.chargeFilters,
      placed.map(({ event }) => event),
    );
    const fees = [
      ...s.chargeFilters.map((filter) => ({
        id: filter.id as string | null,
        events: split.byFilterId.get(filter.id) ?? [],
      })),
      { id: null, events: split.defaultBucket },
    ];
    for (const fee of fees) {
      for (const group of groupByPricingKeys(s.chargeGroupKeys, fee.events)) {
        const keys = new Set(
          placed
            .filter(
              (entry) =>
                matcher(entry.bucket) === fee.id &&
                JSON.stringify(pricingGroupOfBucket(entry.bucket, s.chargeGroupKeys)) ===
                  JSON.stringify(group.groupedBy),
            )
            .map((entry) => entry.bucketKey),
        );
        const input = readAggregates(s, stored, period, keys);
        const label = `filter ${fee.id}, group ${JSON.stringify(group.groupedBy)}, period ${period.startsAt}`;
        expect(summary(usageFromAggregates(input)), label).toEqual(
          summary(aggregateUsage(s.metric, group.events, window)),
        );
        if (prorated) expectProratedSum(s, input, group.events, label);
      }
    }
  }
}

describe("pre-aggregation against the reference engine", () => {
  it("gives the reference's usage for whole periods, however events are delivered and merged", () => {
    fc.assert(
      fc.property(scenario, fc.gen(), (s, g) => check(s, g)),
      { numRuns: RUNS },
    );
  }, 120_000);
});
