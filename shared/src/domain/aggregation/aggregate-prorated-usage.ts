import type Decimal from "decimal.js";
import type { UsageEvent } from "../usage-event.js";
import type { ChargesWindow, MetricDefinition } from "./metric-definition.js";
import { proratedSum } from "./prorated-sum.js";
import { proratedUniqueCount } from "./prorated-unique-count.js";
import { applyRounding, ceilDecimals } from "./rounding.js";
import { aggregationInput } from "./selection.js";
import { aggregateSum } from "./sum.js";
import { aggregateUniqueCount } from "./unique-count.js";
import type { UsageAggregation } from "./usage-aggregation.js";

/** The aggregation of a `prorated: true` charge: units pro rata of time, with the full units beside them. */
export interface ProratedUsageAggregation extends UsageAggregation {
  /** The same aggregation without proration (what current usage shows as units; tiers are chosen on it). */
  readonly fullUnits: Decimal;
  /**
   * Lago's per-event rows for the prorated graduated model: `eventValues` holds each row unprorated
   * (for a sum: the carried-over total if positive, then each window event's value; for a unique
   * count: +1 per add, −1 per remove), this list the same rows prorated.
   */
  readonly proratedEventValues: readonly Decimal[];
}

export class ProrationNotSupportedError extends Error {
  constructor(readonly metric: Pick<MetricDefinition, "code" | "aggregationType" | "recurring">) {
    super(
      `proration needs a recurring sum_agg or unique_count_agg metric; ${metric.code} is ` +
        `${metric.recurring ? "recurring" : "metered"} ${metric.aggregationType}`,
    );
    this.name = "ProrationNotSupportedError";
  }
}

/**
 * The reference aggregation of a prorated charge (recurring sum_agg or unique_count_agg; Lago allows
 * proration nowhere else). Both the prorated and the full units are ceiled to 5 decimals, then
 * rounded with the metric's rounding, as Lago does.
 */
export function aggregateProratedUsage(
  metric: MetricDefinition,
  events: readonly UsageEvent[],
  window: ChargesWindow,
): ProratedUsageAggregation {
  if (!(window.periodDays > 0)) throw new RangeError(`period of ${window.periodDays} days`);
  const input = aggregationInput(metric, events, window);
  if (metric.recurring && metric.aggregationType === "sum_agg") {
    const full = aggregateSum(input);
    const prorated = proratedSum(input);
    return {
      ...full,
      units: applyRounding(ceilDecimals(prorated.total, 5), metric),
      fullUnits: applyRounding(full.units, metric),
      eventValues: prorated.fullValues,
      proratedEventValues: prorated.proratedValues,
    };
  }
  if (metric.recurring && metric.aggregationType === "unique_count_agg") {
    const full = aggregateUniqueCount(input);
    const prorated = proratedUniqueCount(input);
    const units = ceilDecimals(prorated.total, 5);
    return {
      ...full,
      units: applyRounding(units, metric),
      // Lago reports the prorated count as the count, and fees keep its integer part.
      eventsCount: Math.trunc(units.toNumber()),
      fullUnits: applyRounding(full.units, metric),
      eventValues: prorated.fullValues,
      proratedEventValues: prorated.proratedValues,
    };
  }
  throw new ProrationNotSupportedError(metric);
}
