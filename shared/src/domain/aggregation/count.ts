import { decimal } from "../money.js";
import { type AggregationInput, sumPreciseAmountCents, windowEvents } from "./selection.js";
import type { UsageAggregation } from "./usage-aggregation.js";

/** count_agg: every event of the window counts, whatever its properties. */
export function aggregateCount(input: AggregationInput): UsageAggregation {
  const events = windowEvents(input);
  return {
    units: decimal(events.length),
    eventsCount: events.length,
    totalAggregatedUnits: null,
    eventValues: events.map(() => decimal(1)),
    preciseTotalAmountCents: sumPreciseAmountCents(events),
  };
}
