/**
 * Pre-aggregated usage: mergeable summaries of a subscription's events, per period and usage
 * bucket, from which the units of every aggregation type are computed without reading events.
 * Everything here is JSON-safe (decimals as plain-notation strings) because it is stored as is.
 */

/** The usage bucket of an event: its values for the metric's filter keys and the charges' group keys. */
export interface UsageBucket {
  /** Metric filter key → the event's value if it is one of the declared values, else null. */
  readonly filters: Readonly<Record<string, string | null>>;
  /** Pricing group key → the event's value (as text), null when absent or blank. */
  readonly groups: Readonly<Record<string, string | null>>;
}

/** Where an event sits in Lago's event order (timestamp, then receivedAt, transactionId, lagoId). */
export interface EventPosition {
  readonly timestamp: string;
  readonly receivedAt: string;
  readonly transactionId: string;
  readonly lagoId: string;
}

/**
 * Mergeable totals of one metric's events in one bucket and period. Merging is commutative and
 * associative, with EMPTY_TOTALS as identity, so totals folded one delivery at a time and merged
 * in any order equal a fold of all events at once.
 *
 * The totals are those of one metric definition: which events are "read" (and so counted) depends
 * on its aggregation type, and only the fields that type needs are filled (the others stay empty):
 *
 * | type             | read events               | fields used besides the count and amount |
 * |------------------|---------------------------|------------------------------------------|
 * | count_agg        | all                       | –                                        |
 * | sum_agg          | numeric field             | sum, dayWeightedSum, dayTimezone         |
 * | max_agg          | numeric field             | max                                      |
 * | latest_agg       | numeric field             | latest                                   |
 * | weighted_sum_agg | numeric field             | sum, weightedTimeSum                     |
 * | unique_count_agg | field present (any value) | – (the values are UniqueValueStates)     |
 */
export interface AggregateTotals {
  /** Events the aggregation type reads (see above). */
  readonly eventsCount: number;
  /** Σ precise_total_amount_cents of the read events; events without one add nothing. */
  readonly preciseTotalAmountCents: string;
  /** Σ numeric values. */
  readonly sum: string;
  /** Largest numeric value, null when none. */
  readonly max: string | null;
  /** The last numeric event in event order (`compareEvents`), with its value; null when none. */
  readonly latest: (EventPosition & { readonly value: string }) | null;
  /**
   * Σ value × event epoch milliseconds. A weighted sum is linear in its events,
   * Σ vᵢ·(to − tᵢ) + initial·(to − from), so Σv and Σv·t give it exactly.
   */
  readonly weightedTimeSum: string;
  /**
   * Σ value × local day number of the event (days since 1970-01-01 of its local date in
   * `dayTimezone`). A prorated recurring sum counts each value for (lastDay − dayᵢ + 1) days, which
   * is linear in the events too.
   */
  readonly dayWeightedSum: string;
  /**
   * The zone `dayWeightedSum` counts days in: null before any value, MIXED_TIMEZONES when totals
   * folded in different zones were merged (then the day sum means nothing and proration refuses it).
   */
  readonly dayTimezone: string | null;
}

/** The last add/remove of one distinct value of a unique_count metric. */
export interface UniqueValueState {
  readonly value: string;
  /** Position of the last operation on the value; the later position wins a merge. */
  readonly last: EventPosition;
  /** Whether that last operation was an add (Lago's rule: the last operation decides). */
  readonly active: boolean;
}
