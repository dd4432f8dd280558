import { decimal } from "../money.js";
import { compareEvents } from "./event-order.js";
import { ceilDecimals } from "./rounding.js";
import { type AggregationInput, isInWindow, requireFieldName, sumPreciseAmountCents } from "./selection.js";
import { effectiveToggles, eventsByUniqueValue } from "./unique-values.js";
import type { UsageAggregation } from "./usage-aggregation.js";

/**
 * unique_count_agg: how many distinct values are active at the window end. A metered count only
 * sees the window's events; a recurring one every event of the subscription until the window end.
 */
export function aggregateUniqueCount(input: AggregationInput): UsageAggregation {
  const fieldName = requireFieldName(input.metric);
  const read = input.metric.recurring
    ? input.history
    : input.history.filter((event) => isInWindow(event, input.bounds));
  const byValue = eventsByUniqueValue(read, fieldName);
  let active = 0;
  for (const events of byValue.values()) {
    if (effectiveToggles(events).at(-1)?.operation === "add") active += 1;
  }
  const counted = [...byValue.values()].flat();
  const units = ceilDecimals(decimal(active), 5);
  const windowCounted = counted.filter((event) => isInWindow(event, input.bounds)).sort(compareEvents);
  return {
    units,
    // Lago reports the unique count itself as the count of a unique_count aggregation.
    eventsCount: units.toNumber(),
    totalAggregatedUnits: null,
    eventValues: windowCounted.map(() => decimal(1)),
    preciseTotalAmountCents: sumPreciseAmountCents(counted),
  };
}
