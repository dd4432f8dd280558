import { decimal } from "../money.js";
import { instantMs } from "./event-order.js";
import { ceilDecimals } from "./rounding.js";
import {
  type AggregationInput,
  numericEvents,
  requireFieldName,
  sumPreciseAmountCents,
  sumValues,
  windowEvents,
} from "./selection.js";
import type { UsageAggregation } from "./usage-aggregation.js";

const MS_PER_DAY = 86_400_000;

/**
 * weighted_sum_agg: events carry deltas of a running value; the units are that value integrated
 * over the window, divided by the whole period. The running value starts the window at 0, or for
 * a recurring metric at the value the previous period ended with (the sum of every earlier delta),
 * and each value holds until the next event or the window end.
 *
 * Lago divides by the period's days × 86 400 (not its true seconds, which differ by an hour in a
 * DST month) and keeps 20 decimals, ceiling; both are reproduced.
 */
export function aggregateWeightedSum(input: AggregationInput): UsageAggregation {
  const fieldName = requireFieldName(input.metric);
  const { fromMs, toMs } = input.bounds;
  if (!(input.window.periodDays > 0)) throw new RangeError(`period of ${input.window.periodDays} days`);

  const initial = input.metric.recurring
    ? sumValues(
        numericEvents(
          input.history.filter((event) => instantMs(event.timestamp) < fromMs),
          fieldName,
        ).map(({ value }) => value),
      )
    : decimal(0);
  const deltas = numericEvents(windowEvents(input), fieldName);

  let running = initial;
  let weighted = decimal(0);
  let since = fromMs;
  for (const { event, value } of deltas) {
    const at = instantMs(event.timestamp);
    weighted = weighted.plus(running.times(at - since));
    running = running.plus(value);
    since = at;
  }
  weighted = weighted.plus(running.times(toMs - since));

  const variation = sumValues(deltas.map(({ value }) => value));
  return {
    units: ceilDecimals(weighted.dividedBy(input.window.periodDays * MS_PER_DAY), 20),
    eventsCount: deltas.length,
    totalAggregatedUnits: input.metric.recurring ? initial.plus(variation) : variation,
    eventValues: deltas.map(({ value }) => value),
    preciseTotalAmountCents: sumPreciseAmountCents(deltas.map(({ event }) => event)),
  };
}
