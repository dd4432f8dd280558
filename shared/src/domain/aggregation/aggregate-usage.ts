import type { UsageEvent } from "../usage-event.js";
import { aggregateCount } from "./count.js";
import { aggregateLatest } from "./latest.js";
import { aggregateMax } from "./max.js";
import type { ChargesWindow, MetricDefinition } from "./metric-definition.js";
import { applyRounding } from "./rounding.js";
import { type AggregationInput, aggregationInput } from "./selection.js";
import { aggregateSum } from "./sum.js";
import { aggregateUniqueCount } from "./unique-count.js";
import type { UsageAggregation } from "./usage-aggregation.js";
import { aggregateWeightedSum } from "./weighted-sum.js";

const AGGREGATORS: Record<
  MetricDefinition["aggregationType"],
  (input: AggregationInput) => UsageAggregation
> = {
  count_agg: aggregateCount,
  sum_agg: aggregateSum,
  max_agg: aggregateMax,
  unique_count_agg: aggregateUniqueCount,
  latest_agg: aggregateLatest,
  weighted_sum_agg: aggregateWeightedSum,
};

/**
 * The reference aggregation: what Lago computes for one metric over a charges window, from the
 * stored events of one external subscription (events of other codes are ignored; events of other
 * subscriptions must not be passed). Charge filters and pricing groups are applied beforehand, by
 * handing in only the events of one bucket or group.
 */
export function aggregateUsage(
  metric: MetricDefinition,
  events: readonly UsageEvent[],
  window: ChargesWindow,
): UsageAggregation {
  const result = AGGREGATORS[metric.aggregationType](aggregationInput(metric, events, window));
  return { ...result, units: applyRounding(result.units, metric) };
}
