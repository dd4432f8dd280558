import { decimal } from "../money.js";
import {
  type AggregationInput,
  numericEvents,
  requireFieldName,
  sumPreciseAmountCents,
  windowEvents,
} from "./selection.js";
import type { UsageAggregation } from "./usage-aggregation.js";

/**
 * latest_agg: the value of the window's last numeric event (the last one received among equal
 * timestamps, see `compareEvents`). A negative latest value bills as 0.
 */
export function aggregateLatest(input: AggregationInput): UsageAggregation {
  const numeric = numericEvents(windowEvents(input), requireFieldName(input.metric));
  const latest = numeric.at(-1)?.value ?? decimal(0);
  return {
    units: latest.isNegative() ? decimal(0) : latest,
    eventsCount: numeric.length,
    totalAggregatedUnits: null,
    eventValues: numeric.map(({ value }) => value),
    preciseTotalAmountCents: sumPreciseAmountCents(numeric.map(({ event }) => event)),
  };
}
