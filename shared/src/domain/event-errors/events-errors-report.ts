/**
 * Lago's hourly `events.errors` report (its events post-validation): for each organization, the
 * transaction ids of the events received in one closed UTC hour whose code matches no billable
 * metric (`invalid_code`), whose metric's field is missing or, for numeric aggregations, not a
 * number (`missing_aggregation_property`), or whose value of a metric filter's key is none of that
 * filter's values (`invalid_filter_values`). The last two are still billed, as in Lago: the report
 * only tells. Pure: the instants come in as arguments.
 */

import type { MetricDefinition } from "../aggregation/metric-definition.js";
import { propertyText } from "../aggregation/property-values.js";
import type { MetricFilter } from "../catalog.js";
import { readEvent } from "../pre-aggregation/read-event.js";
import type { UsageEvent } from "../usage-event.js";

/** What an event billed anyway is reported for. */
export type EventFlawKind = "missing_aggregation_property" | "invalid_filter_values";

/** What one report lists, by transaction id. */
export type ReportedEventReason = "invalid_code" | EventFlawKind;

/** Lago's `EventsErrorsObject`; `missing_group_key` is deprecated in Lago and always empty. */
export interface EventsErrorsObject {
  readonly invalid_code: string[];
  readonly missing_aggregation_property: string[];
  readonly invalid_filter_values: string[];
  readonly missing_group_key: string[];
}

/**
 * Why Lago's report would name an event its metric still bills: a field the aggregation needs and
 * cannot read (the events the aggregation skips), else a filter key with a value the filter does
 * not list. Null for an event without flaw.
 */
export function eventFlaw(
  metric: MetricDefinition & { readonly filters: readonly MetricFilter[] },
  event: UsageEvent,
): EventFlawKind | null {
  if (metric.aggregationType !== "count_agg" && readEvent(metric, event) === null)
    return "missing_aggregation_property";
  const invalidFilter = metric.filters.some((filter) => {
    const value = propertyText(event.properties[filter.key]);
    return value !== null && !filter.values.includes(value);
  });
  return invalidFilter ? "invalid_filter_values" : null;
}

/** The report's object: each reason's distinct transaction ids, in order. */
export function eventsErrorsObject(
  reported: ReadonlyArray<{ readonly transactionId: string; readonly reason: ReportedEventReason }>,
): EventsErrorsObject {
  const ids = (reason: ReportedEventReason) =>
    [
      ...new Set(reported.filter((entry) => entry.reason === reason).map((entry) => entry.transactionId)),
    ].sort();
  return {
    invalid_code: ids("invalid_code"),
    missing_aggregation_property: ids("missing_aggregation_property"),
    invalid_filter_values: ids("invalid_filter_values"),
    missing_group_key: [],
  };
}

export const isEmptyReport = (report: EventsErrorsObject): boolean =>
  Object.values(report).every((ids) => ids.length === 0);

const HOUR_MS = 3_600_000;

/** The UTC hour an instant falls in, as its first instant. */
export function hourOf(instant: string): string {
  const ms = Date.parse(instant);
  return new Date(ms - (((ms % HOUR_MS) + HOUR_MS) % HOUR_MS)).toISOString();
}

export interface ReportWindow {
  /** How long after an hour closes it is reported, so events received in it and consumed a little later count. */
  readonly graceMinutes: number;
  /** How far back a run looks for hours not reported yet (a run missed is caught up by the next). */
  readonly lookbackHours: number;
}

export const EVENTS_ERRORS_WINDOW: ReportWindow = { graceMinutes: 15, lookbackHours: 3 };

/**
 * The closed UTC hours a run at `now` reports, oldest first: those closed at least the grace
 * before `now`, within the lookback. Hourly runs at any minute visit every hour at least twice.
 */
export function hoursToReport(
  now: string,
  window: ReportWindow = EVENTS_ERRORS_WINDOW,
): Array<{ readonly startsAt: string; readonly endsAt: string }> {
  const lastEnd = Date.parse(hourOf(new Date(Date.parse(now) - window.graceMinutes * 60_000).toISOString()));
  return Array.from({ length: window.lookbackHours }, (_, i) => {
    const end = lastEnd - (window.lookbackHours - 1 - i) * HOUR_MS;
    return { startsAt: new Date(end - HOUR_MS).toISOString(), endsAt: new Date(end).toISOString() };
  });
}
