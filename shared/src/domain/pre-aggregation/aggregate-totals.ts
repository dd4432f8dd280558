import type Decimal from "decimal.js";
import { instantMs } from "../aggregation/event-order.js";
import type { MetricDefinition } from "../aggregation/metric-definition.js";
import { decimal } from "../money.js";
import type { UsageEvent } from "../usage-event.js";
import { comparePositions, eventPosition } from "./event-position.js";
import { localDayNumber } from "./local-day.js";
import { readEvent } from "./read-event.js";
import type { AggregateTotals } from "./types.js";

/** `dayTimezone` of totals merged from different zones: no valid IANA zone looks like this. */
export const MIXED_TIMEZONES = "*mixed*";

export const EMPTY_TOTALS: AggregateTotals = {
  eventsCount: 0,
  preciseTotalAmountCents: "0",
  sum: "0",
  max: null,
  latest: null,
  weightedTimeSum: "0",
  dayWeightedSum: "0",
  dayTimezone: null,
};

/**
 * Adds one event to the totals of `metric` (events of another code, or that the aggregation skips,
 * leave them unchanged). `timezone` is the zone of the event's billing period: local days of prorated
 * sums are counted in it. Folding is merging the event's own totals, so a fold of any split of the
 * events merged back in any order is the fold of them all.
 */
export function foldEvent(
  totals: AggregateTotals,
  metric: MetricDefinition,
  event: UsageEvent,
  timezone: string,
): AggregateTotals {
  const read = readEvent(metric, event);
  if (read === null) return totals;
  return mergeTotals(totals, eventTotals(metric, event, read.value, timezone));
}

/** The totals of some events (one delivery, one period, one bucket). */
export function foldEvents(
  metric: MetricDefinition,
  events: readonly UsageEvent[],
  timezone: string,
): AggregateTotals {
  return events.reduce((totals, event) => foldEvent(totals, metric, event, timezone), EMPTY_TOTALS);
}

function eventTotals(
  metric: MetricDefinition,
  event: UsageEvent,
  value: Decimal | null,
  timezone: string,
): AggregateTotals {
  const counted: AggregateTotals = {
    ...EMPTY_TOTALS,
    eventsCount: 1,
    preciseTotalAmountCents: plain(decimal(event.preciseTotalAmountCents ?? 0)),
  };
  if (value === null) return counted;
  const ms = instantMs(event.timestamp);
  switch (metric.aggregationType) {
    case "sum_agg":
      return {
        ...counted,
        sum: plain(value),
        dayWeightedSum: plain(value.times(localDayNumber(ms, timezone))),
        dayTimezone: timezone,
      };
    case "weighted_sum_agg":
      return { ...counted, sum: plain(value), weightedTimeSum: plain(value.times(ms)) };
    case "max_agg":
      return { ...counted, max: plain(value) };
    case "latest_agg":
      return { ...counted, latest: { ...eventPosition(event), value: plain(value) } };
    default:
      return counted;
  }
}

/** Commutative and associative, with EMPTY_TOTALS as identity (for totals built by this module). */
export function mergeTotals(a: AggregateTotals, b: AggregateTotals): AggregateTotals {
  return {
    eventsCount: a.eventsCount + b.eventsCount,
    preciseTotalAmountCents: add(a.preciseTotalAmountCents, b.preciseTotalAmountCents),
    sum: add(a.sum, b.sum),
    max: larger(a.max, b.max),
    latest: later(a.latest, b.latest),
    weightedTimeSum: add(a.weightedTimeSum, b.weightedTimeSum),
    dayWeightedSum: add(a.dayWeightedSum, b.dayWeightedSum),
    dayTimezone: joinZones(a.dayTimezone, b.dayTimezone),
  };
}

/** Plain notation, never exponents, so stored totals stay readable. */
function plain(value: Decimal): string {
  return value.toFixed();
}

function add(a: string, b: string): string {
  return plain(decimal(a).plus(b));
}

// Equal values differ at most in their text ("0" and "-0"): the text breaks the tie so that the
// choice does not depend on the merge order.
function larger(a: string | null, b: string | null): string | null {
  if (a === null) return b;
  if (b === null) return a;
  const order = decimal(a).comparedTo(b);
  if (order !== 0) return order > 0 ? a : b;
  return a >= b ? a : b;
}

type Latest = AggregateTotals["latest"];

// Two events never share a position (the Lago id is unique); should they, the larger value wins,
// again so that merging stays commutative.
function later(a: Latest, b: Latest): Latest {
  if (a === null) return b;
  if (b === null) return a;
  const order = comparePositions(a, b) || decimal(a.value).comparedTo(b.value);
  return order >= 0 ? a : b;
}

function joinZones(a: string | null, b: string | null): string | null {
  if (a === null) return b;
  if (b === null || a === b) return a;
  return MIXED_TIMEZONES;
}
