import type Decimal from "decimal.js";
import type { BillableMetric } from "./catalog.js";
import { decimal, Money } from "./money.js";
import type { UsageEvent } from "./usage-event.js";

/**
 * Mergeable usage totals of one billable metric over a set of events. Any two totals combine with
 * `mergeTotals` in any order, which is what lets the consumer fold each delivery on its own and
 * current usage or invoicing add the folds up.
 */
export interface UsageTotals {
  readonly eventsCount: number;
  /** Sum of the metric's numeric field (decimal string). */
  readonly sum: string;
  /** Largest numeric value seen, or null when none was numeric. */
  readonly max: string | null;
}

export const EMPTY_TOTALS: UsageTotals = { eventsCount: 0, sum: "0", max: null };

/** A property value Lago aggregates: a finite number, or a string that parses as one. */
export function numericValue(value: unknown): Decimal | null {
  if (typeof value === "number") return Number.isFinite(value) ? decimal(value) : null;
  if (typeof value === "string" && /^\s*[-+]?(\d+\.?\d*|\.\d+)([eE][-+]?\d+)?\s*$/.test(value)) {
    return decimal(value.trim());
  }
  return null;
}

/** Whether an event counts for a metric at all: field-based aggregations skip non-numeric values. */
export function countsFor(
  metric: Pick<BillableMetric, "aggregationType" | "fieldName">,
  event: UsageEvent,
): boolean {
  if (metric.aggregationType === "count_agg") return true;
  if (!metric.fieldName) return false;
  return numericValue(event.properties[metric.fieldName]) !== null;
}

export function foldEvent(
  totals: UsageTotals,
  metric: Pick<BillableMetric, "aggregationType" | "fieldName">,
  event: UsageEvent,
): UsageTotals {
  if (!countsFor(metric, event)) return totals;
  const value = metric.fieldName ? numericValue(event.properties[metric.fieldName]) : null;
  if (value === null) return { ...totals, eventsCount: totals.eventsCount + 1 };
  return {
    eventsCount: totals.eventsCount + 1,
    sum: decimal(totals.sum).plus(value).toString(),
    max: totals.max === null || value.greaterThan(totals.max) ? value.toString() : totals.max,
  };
}

export function mergeTotals(a: UsageTotals, b: UsageTotals): UsageTotals {
  const max = a.max === null ? b.max : b.max === null ? a.max : Money.max(a.max, b.max).toString();
  return { eventsCount: a.eventsCount + b.eventsCount, sum: decimal(a.sum).plus(b.sum).toString(), max };
}

/** The aggregated units a charge prices, for the aggregation types usage totals can answer. */
export function aggregatedUnits(
  metric: Pick<BillableMetric, "aggregationType">,
  totals: UsageTotals,
): Decimal {
  switch (metric.aggregationType) {
    case "count_agg":
      return decimal(totals.eventsCount);
    case "sum_agg":
      return decimal(totals.sum);
    case "max_agg":
      return decimal(totals.max ?? 0);
    default:
      throw new UnsupportedAggregationError(metric.aggregationType);
  }
}

export class UnsupportedAggregationError extends Error {
  constructor(readonly aggregationType: string) {
    super(`aggregation ${aggregationType} is not supported yet`);
    this.name = "UnsupportedAggregationError";
  }
}

/** Aggregation types the usage pipeline computes today; the catalog refuses metrics of other types. */
export const SUPPORTED_AGGREGATIONS = ["count_agg", "sum_agg", "max_agg"] as const;
