import type Decimal from "decimal.js";
import { ProrationNotSupportedError } from "../aggregation/aggregate-prorated-usage.js";
import { localDays } from "../aggregation/local-days.js";
import { applyRounding, ceilDecimals } from "../aggregation/rounding.js";
import { requireFieldName, windowBounds } from "../aggregation/selection.js";
import type { UsageAggregation } from "../aggregation/usage-aggregation.js";
import { decimal } from "../money.js";
import type { AggregatesInput } from "./usage-from-aggregates.js";
import { readTotals } from "./usage-from-aggregates.js";

/**
 * A prorated aggregation from totals. Unlike the reference's `ProratedUsageAggregation` it has no
 * per-event rows (`eventValues` is empty and there is no `proratedEventValues`), so it cannot be
 * mistaken for one by prorated graduated pricing, which walks those rows.
 */
export interface ProratedAggregateUsage extends UsageAggregation {
  /** The same aggregation without proration. */
  readonly fullUnits: Decimal;
}

/** Proration that needs each event, which totals do not keep (a prorated unique count). */
export class ProrationNeedsEventsError extends Error {
  constructor(readonly metricCode: string) {
    super(`prorated unique count of ${metricCode} needs each event: aggregate it from raw events`);
    this.name = "ProrationNeedsEventsError";
  }
}

/**
 * `aggregateProratedUsage` of a whole-period window, from totals, for a recurring sum_agg (units,
 * fullUnits, eventsCount, preciseTotalAmountCents). Each value counts for the local days from its
 * own date through the window's last day, the carried-over total for every day of the window:
 *
 *   Σ vᵢ·(lastDay − dayᵢ + 1) = (lastDay + 1)·Σv − Σ v·day,
 *
 * over the period's days, ceiled to 5 decimals then rounded as the metric says.
 *
 * The numerator is exact and divided once. The reference divides each event's days by the period
 * first (rounding at 40 digits) and then multiplies, so when the exact total is a multiple of
 * 0.00001 it can land a hair above it and be ceiled one step up (31 units × 5/31 days gives
 * 5.00001 there, 5 here); that is the only difference, and it is the reference's rounding error.
 *
 * A prorated recurring unique count needs the days each value was active, i.e. every event:
 * ProrationNeedsEventsError. Other metrics cannot be prorated: ProrationNotSupportedError, as the
 * reference throws.
 */
export function proratedUsageFromAggregates(
  input: Omit<AggregatesInput, "uniqueValues">,
): ProratedAggregateUsage {
  const { metric, window, periodTotals } = input;
  if (!(window.periodDays > 0)) throw new RangeError(`period of ${window.periodDays} days`);
  if (metric.recurring && metric.aggregationType === "unique_count_agg") {
    throw new ProrationNeedsEventsError(metric.code);
  }
  if (!metric.recurring || metric.aggregationType !== "sum_agg") throw new ProrationNotSupportedError(metric);
  requireFieldName(metric);
  if (periodTotals.dayTimezone !== null && periodTotals.dayTimezone !== window.timezone) {
    throw new RangeError(
      `period totals count days in ${periodTotals.dayTimezone}, the window in ${window.timezone}`,
    );
  }

  const total = proratedSumTotal(input);
  const read = readTotals(input);
  return {
    units: applyRounding(ceilDecimals(total, 5), metric),
    fullUnits: applyRounding(decimal(read.sum), metric),
    eventsCount: read.eventsCount,
    totalAggregatedUnits: null,
    eventValues: [],
    preciseTotalAmountCents: decimal(read.preciseTotalAmountCents),
  };
}

/** The prorated sum before ceiling and rounding: Σ value × days present / period days. */
export function proratedSumTotal({
  window,
  periodTotals,
  carriedTotals,
}: Pick<AggregatesInput, "window" | "periodTotals" | "carriedTotals">): Decimal {
  const days = localDays(window, windowBounds(window));
  const windowDays = days.lastDay - days.firstDay + 1;
  const numerator = decimal(carriedTotals.sum)
    .times(windowDays)
    .plus(decimal(periodTotals.sum).times(days.lastDay + 1))
    .minus(periodTotals.dayWeightedSum);
  return numerator.dividedBy(window.periodDays);
}
