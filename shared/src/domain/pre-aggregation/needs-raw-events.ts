import type { MetricDefinition } from "../aggregation/metric-definition.js";
import type { Charge, ChargeFilter } from "../catalog.js";
import { type PercentageProperties, readPercentage } from "../charges/properties.js";

export type RawEventsCharge = Pick<Charge, "chargeModel" | "properties" | "prorated"> & {
  /** The charge's filters, priced with their own properties; optional for a charge without any. */
  readonly filters?: readonly Pick<ChargeFilter, "properties">[];
};

/**
 * Whether pricing the charge needs per-event data that totals do not keep, so its usage must be
 * aggregated from raw events (`aggregateUsage` / `aggregateProratedUsage`):
 *  - a percentage charge with a free allowance (`free_units_per_events`,
 *    `free_units_per_total_aggregation`) or per-transaction bounds (`per_transaction_min_amount`,
 *    `per_transaction_max_amount`): the charges engine walks `eventValues` for those
 *    (`allowanceRunningTotals`, `transactionBoundedAmount`), in the charge's own properties or any of
 *    its filters';
 *  - a prorated charge, except on a recurring sum_agg with another model than graduated: prorated
 *    graduated walks each event's full and prorated value (`proratedEvents`), a prorated unique
 *    count needs the days each value was active, and other metrics cannot be prorated (the raw path
 *    then raises the reference's error).
 * Every other charge is priced on units, eventsCount, fullUnits and preciseTotalAmountCents, which
 * `usageFromAggregates` / `proratedUsageFromAggregates` give exactly for whole periods.
 */
export function needsRawEvents(charge: RawEventsCharge, metric: MetricDefinition): boolean {
  if (charge.prorated) {
    const proratedFromTotals = metric.recurring && metric.aggregationType === "sum_agg";
    if (!proratedFromTotals || charge.chargeModel === "graduated") return true;
  }
  if (charge.chargeModel !== "percentage") return false;
  const propertySets = [charge.properties, ...(charge.filters ?? []).map((filter) => filter.properties)];
  return propertySets.some((properties) => readsEventValues(readPercentage(properties)));
}

// A zero allowance is no allowance: `allowanceRunningTotals` then reads no value.
function readsEventValues(properties: PercentageProperties): boolean {
  return (
    properties.freeUnitsPerEvents > 0 ||
    !properties.freeUnitsPerTotalAggregation.isZero() ||
    properties.perTransactionMinAmount !== null ||
    properties.perTransactionMaxAmount !== null
  );
}
