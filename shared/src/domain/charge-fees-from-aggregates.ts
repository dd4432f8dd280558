import { instantMs } from "./aggregation/event-order.js";
import type { ChargesWindow } from "./aggregation/index.js";
import { windowBounds } from "./aggregation/selection.js";
import type { BillableMetric, Charge } from "./catalog.js";
import { buildFee, type ChargeFee, type FeeUsage, feeBuckets, pricingGroupKeys } from "./charge-fees.js";
import {
  type AggregateTotals,
  bucketChargeFilterMatcher,
  bucketsCanMatch,
  EMPTY_TOTALS,
  mergeTotals,
  pricingGroupOfBucket,
  proratedUsageFromAggregates,
  type UniqueValueState,
  type UsageBucket,
  usageFromAggregates,
} from "./pre-aggregation/index.js";

/** One bucket's merged totals (a period's, or every earlier period's). */
export interface BucketTotals {
  readonly bucket: UsageBucket;
  readonly totals: AggregateTotals;
}

/** The pre-aggregated usage of one metric a charge is priced from, over one whole period. */
export interface MetricAggregates {
  readonly period: readonly BucketTotals[];
  /** Every earlier period's, for recurring metrics. */
  readonly earlier: readonly BucketTotals[];
  /** unique_count_agg: value states as of the period's end. */
  readonly uniqueValues: ReadonlyArray<{ readonly bucket: UsageBucket; readonly state: UniqueValueState }>;
}

/**
 * What a subscription replaced on a plan change leaves of one metric to its successor: every
 * bucket's totals and, for a unique count, every value's state, over its periods up to the
 * successor's (all of them, as it ended when the successor started).
 */
export interface CarriedUsage {
  readonly totals: readonly BucketTotals[];
  readonly uniqueValues: MetricAggregates["uniqueValues"];
}

/**
 * A successor's usage of a metric with its predecessors' carried in: a recurring metric goes on
 * from the value it had at the plan change (Lago aggregates recurring usage by the external id the
 * subscriptions share), their totals joining the earlier periods' and their value states the
 * window's (the latest operation on a value still wins). A metered metric restarts: unchanged. A
 * state from after the window's end (an event placed on the predecessor by a stale read) is left
 * out, as a window never reads past its end.
 */
export function withCarriedUsage(
  metric: Pick<BillableMetric, "recurring">,
  aggregates: MetricAggregates,
  carried: readonly CarriedUsage[],
  window: Pick<ChargesWindow, "from" | "to">,
): MetricAggregates {
  if (!metric.recurring || carried.length === 0) return aggregates;
  const { toMs } = windowBounds(window);
  return {
    period: aggregates.period,
    earlier: [...aggregates.earlier, ...carried.flatMap((usage) => usage.totals)],
    uniqueValues: [
      ...aggregates.uniqueValues,
      ...carried.flatMap((usage) =>
        usage.uniqueValues.filter((entry) => instantMs(entry.state.last.timestamp) < toMs),
      ),
    ],
  };
}

/**
 * Whether a charge can be priced from pre-aggregated buckets: its filters only read the metric's
 * declared filter values, and its pricing group keys are among the keys usage was split on.
 */
export function aggregatesCanPrice(
  charge: Charge,
  metric: BillableMetric,
  aggregates: MetricAggregates,
): boolean {
  if (
    !bucketsCanMatch(
      metric.filters,
      charge.filters.map((filter) => ({ id: filter.id, values: filter.values })),
    )
  ) {
    return false;
  }
  const keys = feeBuckets(charge).flatMap((bucket) => pricingGroupKeys(bucket.properties));
  const buckets = [...aggregates.period, ...aggregates.earlier].map((entry) => entry.bucket);
  return buckets.every((bucket) => keys.every((key) => key in bucket.groups));
}

interface FeeSlot {
  period: AggregateTotals;
  earlier: AggregateTotals;
  values: UniqueValueState[];
  groupedBy: Readonly<Record<string, string | null>> | null;
}

/**
 * Prices a charge over a whole period from pre-aggregated usage, exactly as `priceCharges` would
 * from the raw events (the pre-aggregation's property tests hold it to that): each bucket of usage
 * goes to the charge filter its filter values match (or the default bucket) and to its pricing
 * group; the totals of the buckets landing together are merged and priced.
 */
export function priceChargeFromAggregates(
  charge: Charge,
  metric: BillableMetric,
  aggregates: MetricAggregates,
  window: ChargesWindow,
  currency: string,
): ChargeFee[] {
  const filterOf = bucketChargeFilterMatcher(
    metric.filters,
    charge.filters.map((filter) => ({ id: filter.id, values: filter.values })),
  );
  const filtered = charge.filters.length > 0;
  return feeBuckets(charge).flatMap((feeBucket) => {
    // A charge without filters has one bucket: all of its usage.
    if (!filtered && feeBucket.filter !== null) return [];
    const mine = (bucket: UsageBucket) => !filtered || filterOf(bucket) === (feeBucket.filter?.id ?? null);
    const keys = pricingGroupKeys(feeBucket.properties);
    const slots = new Map<string, FeeSlot>();
    const slotOf = (bucket: UsageBucket): FeeSlot => {
      const groupedBy = keys.length > 0 ? pricingGroupOfBucket(bucket, keys) : null;
      const id = JSON.stringify(groupedBy);
      let slot = slots.get(id);
      if (!slot) {
        slot = { period: EMPTY_TOTALS, earlier: EMPTY_TOTALS, values: [], groupedBy };
        slots.set(id, slot);
      }
      return slot;
    };
    if (keys.length === 0) slotOf({ filters: {}, groups: {} });
    for (const entry of aggregates.period) {
      if (!mine(entry.bucket)) continue;
      const slot = slotOf(entry.bucket);
      slot.period = mergeTotals(slot.period, entry.totals);
    }
    for (const entry of aggregates.earlier) {
      if (!mine(entry.bucket)) continue;
      const slot = slotOf(entry.bucket);
      slot.earlier = mergeTotals(slot.earlier, entry.totals);
    }
    for (const entry of aggregates.uniqueValues) {
      if (mine(entry.bucket)) slotOf(entry.bucket).values.push(entry.state);
    }
    return [...slots.values()].sort(byGroupValues(keys)).map((slot) => {
      const input = {
        metric,
        window,
        periodTotals: slot.period,
        carriedTotals: slot.earlier,
        uniqueValues: slot.values,
      };
      let usage: FeeUsage;
      if (charge.prorated) {
        const prorated = proratedUsageFromAggregates(input);
        usage = { aggregation: prorated, fullUnits: prorated.fullUnits };
      } else {
        usage = { aggregation: usageFromAggregates(input) };
      }
      return buildFee(charge, metric, feeBucket, slot.groupedBy, usage, currency);
    });
  });
}

/** Groups in the reference's order: by their values key by key, null first, then code-unit order. */
function byGroupValues(keys: readonly string[]) {
  return (a: FeeSlot, b: FeeSlot): number => {
    for (const key of keys) {
      const left = a.groupedBy?.[key] ?? null;
      const right = b.groupedBy?.[key] ?? null;
      if (left === right) continue;
      if (left === null) return -1;
      if (right === null) return 1;
      return left < right ? -1 : 1;
    }
    return 0;
  };
}
