import type Decimal from "decimal.js";

/** What Lago's aggregation hands to a charge model, for one charge (or filter, or pricing group). */
export interface UsageAggregation {
  /** Aggregated units after the metric's rounding: what the charge model prices. */
  readonly units: Decimal;
  /**
   * Lago's `count`, shown as the fee's `events_count`: the events the aggregation read. For a
   * recurring sum that is every event up to the window end; for unique_count Lago reports the
   * unique count itself.
   */
  readonly eventsCount: number;
  /** weighted_sum_agg only: the running value at the window end; null for other types. */
  readonly totalAggregatedUnits: Decimal | null;
  /**
   * Lago's per-event aggregation, in event order, for the percentage model's free units and
   * per-transaction bounds: the value for sum_agg, 1 for count_agg and unique_count_agg, the
   * first maximum (0 elsewhere) for max_agg, the raw value for latest_agg and weighted_sum_agg.
   * Only events inside the window, even for recurring metrics.
   */
  readonly eventValues: readonly Decimal[];
  /** Σ precise_total_amount_cents of the events read (the dynamic charge model's amount). */
  readonly preciseTotalAmountCents: Decimal;
}
