import type Decimal from "decimal.js";
import { instantMs } from "../aggregation/event-order.js";
import type { ChargesWindow, MetricDefinition } from "../aggregation/metric-definition.js";
import { applyRounding, ceilDecimals } from "../aggregation/rounding.js";
import { requireFieldName, type WindowBounds, windowBounds } from "../aggregation/selection.js";
import type { UsageAggregation } from "../aggregation/usage-aggregation.js";
import { decimal } from "../money.js";
import { mergeTotals } from "./aggregate-totals.js";
import type { AggregateTotals, UniqueValueState } from "./types.js";
import { mergeUniqueValues } from "./unique-values.js";

const MS_PER_DAY = 86_400_000;

/** What the reader has for one metric and one bucket (or several merged) over one whole period. */
export interface AggregatesInput {
  readonly metric: MetricDefinition;
  /** A WHOLE billing period: totals cannot be cut at an instant inside it. */
  readonly window: ChargesWindow;
  /** Merged totals of the events of the window's period. */
  readonly periodTotals: AggregateTotals;
  /** Merged totals of every earlier period (what recurring metrics carry over); ignored by the others. */
  readonly carriedTotals: AggregateTotals;
  /**
   * unique_count_agg only: value states of the period's events (metered) or of every event before
   * the window end (recurring). Several states of one value (other buckets, periods, deliveries) are
   * merged here. A state past the window end — or, metered, before its start — means the caller
   * handed in the wrong states; that is refused rather than counted.
   */
  readonly uniqueValues: readonly UniqueValueState[];
}

/**
 * The reference aggregation (`aggregateUsage`) of a whole-period window, from pre-aggregated data:
 * equal in units (after rounding), eventsCount, totalAggregatedUnits and preciseTotalAmountCents.
 *
 * `eventValues` is always empty: per-event values are not in totals. The charges that read them
 * (see `needsRawEvents`) must be priced from raw events.
 */
export function usageFromAggregates(input: AggregatesInput): UsageAggregation {
  const result = READERS[input.metric.aggregationType](input);
  return { ...result, units: applyRounding(result.units, input.metric), eventValues: [] };
}

type Reading = Omit<UsageAggregation, "eventValues">;

const READERS: Record<MetricDefinition["aggregationType"], (input: AggregatesInput) => Reading> = {
  count_agg: ({ periodTotals }) => plainReading(periodTotals, decimal(periodTotals.eventsCount)),
  sum_agg: (input) => {
    requireFieldName(input.metric);
    const read = readTotals(input);
    return plainReading(read, decimal(read.sum));
  },
  max_agg: ({ metric, periodTotals }) => {
    requireFieldName(metric);
    return plainReading(periodTotals, decimal(periodTotals.max ?? 0));
  },
  latest_agg: ({ metric, periodTotals }) => {
    requireFieldName(metric);
    const latest = decimal(periodTotals.latest?.value ?? 0);
    return plainReading(periodTotals, latest.isNegative() ? decimal(0) : latest);
  },
  weighted_sum_agg: weightedSumReading,
  unique_count_agg: (input) => {
    requireFieldName(input.metric);
    const units = ceilDecimals(decimal(activeValues(input)), 5);
    // Lago reports the unique count itself as the count of a unique_count aggregation.
    return {
      units,
      eventsCount: units.toNumber(),
      totalAggregatedUnits: null,
      preciseTotalAmountCents: decimal(readTotals(input).preciseTotalAmountCents),
    };
  },
};

/** The events a sum or unique count reads: the period's, and every earlier one's when recurring. */
export function readTotals(
  input: Pick<AggregatesInput, "metric" | "periodTotals" | "carriedTotals">,
): AggregateTotals {
  return input.metric.recurring ? mergeTotals(input.carriedTotals, input.periodTotals) : input.periodTotals;
}

function plainReading(read: AggregateTotals, units: Decimal): Reading {
  return {
    units,
    eventsCount: read.eventsCount,
    totalAggregatedUnits: null,
    preciseTotalAmountCents: decimal(read.preciseTotalAmountCents),
  };
}

/**
 * The reference integrates the running value segment by segment; the integral is linear in the
 * events: initial·(to − from) + Σ vᵢ·(to − tᵢ) = initial·(to − from) + to·Σv − Σ v·t. Both sides
 * are exact decimal arithmetic, so dividing by the same period length gives the same ceiling.
 */
function weightedSumReading({ metric, window, periodTotals, carriedTotals }: AggregatesInput): Reading {
  requireFieldName(metric);
  if (!(window.periodDays > 0)) throw new RangeError(`period of ${window.periodDays} days`);
  const { fromMs, toMs } = windowBounds(window);
  const initial = metric.recurring ? decimal(carriedTotals.sum) : decimal(0);
  const variation = decimal(periodTotals.sum);
  const weighted = initial
    .times(toMs - fromMs)
    .plus(variation.times(toMs))
    .minus(periodTotals.weightedTimeSum);
  return {
    units: ceilDecimals(weighted.dividedBy(window.periodDays * MS_PER_DAY), 20),
    eventsCount: periodTotals.eventsCount,
    totalAggregatedUnits: initial.plus(variation),
    preciseTotalAmountCents: decimal(periodTotals.preciseTotalAmountCents),
  };
}

function activeValues({ metric, window, uniqueValues }: AggregatesInput): number {
  const bounds = windowBounds(window);
  let active = 0;
  for (const state of mergeUniqueValues(uniqueValues).values()) {
    if (!readable(instantMs(state.last.timestamp), bounds, metric.recurring)) {
      throw new RangeError(
        `unique value state at ${state.last.timestamp} is outside the ${metric.recurring ? "recurring" : "metered"} window ${window.from}–${window.to}`,
      );
    }
    if (state.active) active += 1;
  }
  return active;
}

function readable(ms: number, bounds: WindowBounds, recurring: boolean): boolean {
  return ms < bounds.toMs && (recurring || ms >= bounds.fromMs);
}
