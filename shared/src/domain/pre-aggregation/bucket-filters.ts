import {
  ALL_FILTER_VALUES,
  type ChargeFilterDefinition,
  chargeFilterMatcher,
} from "../aggregation/charge-filters.js";
import type { MetricFilter } from "../catalog.js";
import type { UsageEvent } from "../usage-event.js";
import type { UsageBucket } from "./types.js";

/**
 * Whether buckets carry what the charge filters look at: every key a charge filter uses must be one
 * of the metric's filter keys and every explicit value one it declares, as the catalog validates
 * when a charge is saved. (A metric edited afterwards can break it; then only raw events can tell
 * which filter an event belongs to.)
 */
export function bucketsCanMatch(
  metricFilters: readonly MetricFilter[],
  chargeFilters: readonly ChargeFilterDefinition[],
): boolean {
  return chargeFilters.every((filter) =>
    Object.entries(filter.values).every(([key, values]) => {
      const declared = metricFilters.filter((metricFilter) => metricFilter.key === key);
      return (
        declared.length > 0 &&
        values.every(
          (value) =>
            value === ALL_FILTER_VALUES ||
            declared.some((metricFilter) => metricFilter.values.includes(value)),
        )
      );
    }),
  );
}

/**
 * Which charge filter a bucket's usage belongs to (its id, or null for the default bucket). The
 * decision is `chargeFilterMatcher`'s own, applied to a synthetic event whose properties are the
 * bucket's filter values, so it agrees with the reference for every event of the bucket: a filter
 * accepts only declared values, which the bucket keeps as the event has them (as text); a value the
 * bucket dropped (undeclared, or missing) is one no filter accepts. Throws when the charge filters
 * use keys or values the metric does not declare (see `bucketsCanMatch`).
 */
export function bucketChargeFilterMatcher(
  metricFilters: readonly MetricFilter[],
  chargeFilters: readonly ChargeFilterDefinition[],
): (bucket: UsageBucket) => string | null {
  if (!bucketsCanMatch(metricFilters, chargeFilters)) {
    throw new RangeError("charge filters use keys or values the metric does not declare");
  }
  const match = chargeFilterMatcher(metricFilters, chargeFilters);
  return (bucket) => match(bucketEvent(bucket));
}

/** One-off form of `bucketChargeFilterMatcher`. */
export function chargeFilterOfBucket(
  metricFilters: readonly MetricFilter[],
  chargeFilters: readonly ChargeFilterDefinition[],
  bucket: UsageBucket,
): string | null {
  return bucketChargeFilterMatcher(metricFilters, chargeFilters)(bucket);
}

function bucketEvent(bucket: UsageBucket): UsageEvent {
  const properties = Object.fromEntries(Object.entries(bucket.filters).filter(([, value]) => value !== null));
  return {
    lagoId: "",
    transactionId: "",
    externalSubscriptionId: "",
    code: "",
    timestamp: "1970-01-01T00:00:00.000Z",
    properties,
    preciseTotalAmountCents: null,
    receivedAt: "1970-01-01T00:00:00.000Z",
  };
}
