import type { MetricDefinition } from "../aggregation/metric-definition.js";
import { propertyText } from "../aggregation/property-values.js";
import type { UsageEvent } from "../usage-event.js";
import type { UsageBucket } from "./types.js";

/**
 * The bucket an event's usage is pre-aggregated in: its value for every filter key the metric
 * declares, and for every pricing group key the metric's charges use. Values are read as text, as
 * the reference reads them (`propertyText`: 1 and "1" are the same value):
 *  - a filter value is kept only when the metric declares it (for that key, in any of its
 *    declarations), else null: charge filters can only accept declared values, so an undeclared or
 *    missing value matches no charge filter either way, and keeping it would only split buckets;
 *  - a group value is null when missing, null or "", as `groupByPricingKeys` groups them.
 */
export function usageBucket(
  metric: Pick<MetricDefinition, "filters">,
  groupKeys: readonly string[],
  event: UsageEvent,
): UsageBucket {
  // Object.fromEntries rather than assignment, so that a key named "__proto__" stays a key.
  const filters = Object.fromEntries(
    metric.filters.map(({ key }) => {
      const value = propertyText(event.properties[key]);
      const declared = metric.filters.some(
        (filter) => filter.key === key && value !== null && filter.values.includes(value),
      );
      return [key, declared ? value : null];
    }),
  );
  const groups = Object.fromEntries(
    groupKeys.map((key) => [key, propertyText(event.properties[key]) || null]),
  );
  return { filters, groups };
}
