import type { MetricFilter } from "../catalog.js";

/**
 * What the reference aggregation engine needs to know about a billable metric and a charges window.
 * The catalog's own metric type is mapped onto these by the caller, so this folder does not follow
 * every change of the catalog's persistence shape.
 */

export const REFERENCE_AGGREGATION_TYPES = [
  "count_agg",
  "sum_agg",
  "max_agg",
  "unique_count_agg",
  "latest_agg",
  "weighted_sum_agg",
] as const;
export type ReferenceAggregationType = (typeof REFERENCE_AGGREGATION_TYPES)[number];

export type RoundingFunction = "round" | "ceil" | "floor";

export interface MetricDefinition {
  readonly code: string;
  readonly aggregationType: ReferenceAggregationType;
  /** The aggregated property; ignored by count_agg. */
  readonly fieldName: string | null;
  readonly recurring: boolean;
  readonly roundingFunction: RoundingFunction | null;
  /** Decimal digits kept by the rounding function (negative: tens, hundreds…); null means 0. */
  readonly roundingPrecision: number | null;
  readonly filters: readonly MetricFilter[];
}

/**
 * The charges window of one billing period, `[from, to)`, and the calendar facts time-based
 * aggregations need. Weighted sums and prorations divide by the whole period even when the window
 * covers only part of it (a subscription started or terminated mid-period), as Lago does.
 */
export interface ChargesWindow {
  /** Inclusive UTC instant (ISO 8601). */
  readonly from: string;
  /** Exclusive UTC instant (ISO 8601): periods are half-open in this project. */
  readonly to: string;
  /** Days of the whole billing period (Lago's `charges_duration`). */
  readonly periodDays: number;
  /** IANA zone in which prorations count days. */
  readonly timezone: string;
}
