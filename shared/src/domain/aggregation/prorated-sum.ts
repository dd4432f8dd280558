import type Decimal from "decimal.js";
import { decimal } from "../money.js";
import { instantMs } from "./event-order.js";
import { inclusiveDays, localDays } from "./local-days.js";
import {
  type AggregationInput,
  isInWindow,
  numericEvents,
  requireFieldName,
  sumValues,
} from "./selection.js";

export interface ProratedValues {
  /** Σ of the prorated values, before any ceiling or rounding. */
  readonly total: Decimal;
  /** Per-event values without proration, in event order (a carried-over row first). */
  readonly fullValues: readonly Decimal[];
  /** The same rows, prorated. */
  readonly proratedValues: readonly Decimal[];
}

/**
 * A recurring sum billed pro rata of the days each unit was there: an event counts for the days
 * from its local date through the window's last day, the total carried over from earlier periods
 * for every day of the window, each over the whole period's days. So a termination or a mid-period
 * start bills only its days, and the window end (not the period end) bounds every event.
 */
export function proratedSum(input: AggregationInput): ProratedValues {
  const fieldName = requireFieldName(input.metric);
  const { bounds, window } = input;
  const days = localDays(window, bounds);
  const daysFrom = (startMs: number) => inclusiveDays(days, bounds, startMs, days.lastDay);
  const ratio = (startMs: number): Decimal => decimal(daysFrom(startMs)).dividedBy(window.periodDays);

  const numeric = numericEvents(input.history, fieldName);
  const carried = sumValues(
    numeric.filter(({ event }) => instantMs(event.timestamp) < bounds.fromMs).map(({ value }) => value),
  );
  const current = numeric.filter(({ event }) => isInWindow(event, bounds));
  const currentProrated = current.map(({ event, value }) => value.times(ratio(instantMs(event.timestamp))));
  const carriedProrated = carried.times(ratio(bounds.fromMs));

  // Lago lists the carried-over total as a first per-event row only when it is positive.
  const carriedRow = carried.greaterThan(0);
  // The total is divided once, from exact value × days products: dividing each row first and adding
  // the rounded quotients can land a hair above an exact result, which the 5-decimal ceiling then
  // turns into a whole step (31 units × 5 of 31 days must be 5, not 5.00001).
  const valueDays = current.reduce(
    (sum, { event, value }) => sum.plus(value.times(daysFrom(instantMs(event.timestamp)))),
    carried.times(daysFrom(bounds.fromMs)),
  );
  return {
    total: valueDays.dividedBy(window.periodDays),
    fullValues: [...(carriedRow ? [carried] : []), ...current.map(({ value }) => value)],
    proratedValues: [...(carriedRow ? [carriedProrated] : []), ...currentProrated],
  };
}
