import type Decimal from "decimal.js";
import { decimal } from "../money.js";
import {
  type AggregationInput,
  numericEvents,
  requireFieldName,
  sumPreciseAmountCents,
  windowEvents,
} from "./selection.js";
import type { UsageAggregation } from "./usage-aggregation.js";

/** max_agg: the largest numeric value of the window (0 without any), negatives kept as they are. */
export function aggregateMax(input: AggregationInput): UsageAggregation {
  const numeric = numericEvents(windowEvents(input), requireFieldName(input.metric));
  const values = numeric.map(({ value }) => value);
  const max = values.reduce<Decimal | null>(
    (best, value) => (best === null || value.greaterThan(best) ? value : best),
    null,
  );
  // Per event, Lago reports the first event reaching the maximum and 0 for the others, so that the
  // per-event values add up to the total.
  let maxSeen = false;
  const eventValues = values.map((value) => {
    if (!maxSeen && max !== null && value.equals(max)) {
      maxSeen = true;
      return value;
    }
    return decimal(0);
  });
  return {
    units: max ?? decimal(0),
    eventsCount: numeric.length,
    totalAggregatedUnits: null,
    eventValues,
    preciseTotalAmountCents: sumPreciseAmountCents(numeric.map(({ event }) => event)),
  };
}
