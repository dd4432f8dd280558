import {
  type AggregationInput,
  isInWindow,
  numericEvents,
  requireFieldName,
  sumPreciseAmountCents,
  sumValues,
} from "./selection.js";
import type { UsageAggregation } from "./usage-aggregation.js";

/**
 * sum_agg over the numeric events of the window. A recurring sum drops the lower bound: it adds up
 * every event of the subscription until the window end, so usage carries over from period to
 * period (and the event count covers all of them, as Lago's does).
 */
export function aggregateSum(input: AggregationInput): UsageAggregation {
  const fieldName = requireFieldName(input.metric);
  const read = input.metric.recurring
    ? input.history
    : input.history.filter((event) => isInWindow(event, input.bounds));
  const numeric = numericEvents(read, fieldName);
  return {
    units: sumValues(numeric.map(({ value }) => value)),
    eventsCount: numeric.length,
    totalAggregatedUnits: null,
    eventValues: numeric.filter(({ event }) => isInWindow(event, input.bounds)).map(({ value }) => value),
    preciseTotalAmountCents: sumPreciseAmountCents(numeric.map(({ event }) => event)),
  };
}
