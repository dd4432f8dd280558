import type Decimal from "decimal.js";
import { decimal } from "../money.js";
import type { PercentageProperties } from "./properties.js";

/**
 * The free allowance of a percentage charge: the first `free_units_per_events` events and/or the
 * first `free_units_per_total_aggregation` of amount are free, whichever runs out first.
 */
export interface PercentageAllowance {
  /** Units (amount of money) not subject to the rate. */
  readonly freeUnits: Decimal;
  /** Events that pay no fixed amount. */
  readonly freeEvents: number;
}

type AllowanceProperties = Pick<PercentageProperties, "freeUnitsPerEvents" | "freeUnitsPerTotalAggregation">;

/**
 * Running totals of the events' values in timestamp order, only as far as the allowance needs:
 * the first N events when a free event count is set, otherwise up to and including the first
 * total past the free amount. That is how Lago's sum aggregation hands them to the charge model.
 */
export function allowanceRunningTotals(
  values: readonly Decimal[],
  properties: AllowanceProperties,
): Decimal[] {
  const perEvents = properties.freeUnitsPerEvents;
  const perTotal = properties.freeUnitsPerTotalAggregation;
  if (perEvents <= 0 && perTotal.isZero()) return [];
  const totals: Decimal[] = [];
  let total = decimal(0);
  for (const value of values) {
    if (perEvents > 0 ? totals.length >= perEvents : total.greaterThan(perTotal)) break;
    total = total.plus(value);
    totals.push(total);
  }
  return totals;
}

export function percentageAllowance(
  runningTotals: readonly Decimal[],
  properties: AllowanceProperties,
): PercentageAllowance {
  return {
    freeUnits: freeUnits(runningTotals, properties),
    freeEvents: freeEvents(runningTotals, properties),
  };
}

function freeUnits(runningTotals: readonly Decimal[], properties: AllowanceProperties): Decimal {
  const last = runningTotals.at(-1) ?? decimal(0);
  if (last.isZero()) return decimal(0);
  const perEvents = properties.freeUnitsPerEvents;
  // Only reachable with totals longer than the free event count (Lago's count aggregation).
  if (perEvents > 0 && perEvents < runningTotals.length) return runningTotals[perEvents - 1] as Decimal;
  const perTotal = properties.freeUnitsPerTotalAggregation;
  if (perTotal.isZero() || last.lessThanOrEqualTo(perTotal)) return last;
  return perTotal;
}

function freeEvents(runningTotals: readonly Decimal[], properties: AllowanceProperties): number {
  // An event is free only while the running total stays strictly under the free amount; a bound
  // that gives 0 counts as unset, like every other 0 in these properties.
  const underFreeAmount = runningTotals.filter((total) =>
    total.lessThan(properties.freeUnitsPerTotalAggregation),
  ).length;
  const bounds = [properties.freeUnitsPerEvents, underFreeAmount].filter((bound) => bound !== 0);
  return bounds.length === 0 ? 0 : Math.min(...bounds);
}
