import { DateTime, IANAZone } from "luxon";

/**
 * Billing periods, as Lago computes them in the customer's timezone. A period is a run of whole local days in
 * the customer's applicable timezone; its instants are local midnights converted to UTC. Periods are
 * half-open, [startsAt, endsAt), so consecutive periods share a boundary and tile time exactly;
 * Lago's inclusive `to_datetime` (local 23:59:59) is derived from `endsAt` for display.
 */

export const PLAN_INTERVALS = ["weekly", "monthly", "quarterly", "semiannual", "yearly"] as const;
export type PlanInterval = (typeof PLAN_INTERVALS)[number];
export const BILLING_TIMES = ["calendar", "anniversary"] as const;
export type BillingTime = (typeof BILLING_TIMES)[number];

export interface BillingSchedule {
  readonly interval: PlanInterval;
  readonly billingTime: BillingTime;
  /** Local date (YYYY-MM-DD) of subscription_at: the anchor of anniversary periods. */
  readonly anchorDate: string;
}

export interface BillingPeriod {
  /** First local day of the period, YYYY-MM-DD. */
  readonly fromDate: string;
  /** Last local day of the period (inclusive), YYYY-MM-DD. */
  readonly toDate: string;
  /** UTC instant of the local midnight starting fromDate. */
  readonly startsAt: string;
  /** UTC instant of the local midnight after toDate: the next period's startsAt. */
  readonly endsAt: string;
  /** Days in the whole period, the proration denominator. */
  readonly days: number;
}

const MONTHS_PER_PERIOD: Record<Exclude<PlanInterval, "weekly">, number> = {
  monthly: 1,
  quarterly: 3,
  semiannual: 6,
  yearly: 12,
};

export function isValidTimezone(zone: string): boolean {
  return IANAZone.isValidZone(zone);
}

/** A local calendar date, computed without any timezone so day arithmetic ignores DST. */
function civilDate(isoDate: string): DateTime {
  const date = DateTime.fromISO(isoDate, { zone: "utc" });
  if (!date.isValid) throw new RangeError(`invalid date ${isoDate}`);
  return date.startOf("day");
}

/** Local date of an instant in a zone, as a civil date. */
export function localDate(instant: string, timezone: string): string {
  const local = DateTime.fromISO(instant, { zone: "utc" }).setZone(timezone);
  if (!local.isValid) throw new RangeError(`invalid instant ${instant} or zone ${timezone}`);
  return local.toISODate() as string;
}

/** UTC instant of the first moment of a local date in a zone (local midnight, or the first valid time). */
export function startOfLocalDay(isoDate: string, timezone: string): string {
  const civil = civilDate(isoDate);
  const local = DateTime.fromObject(
    { year: civil.year, month: civil.month, day: civil.day },
    { zone: timezone },
  ).startOf("day");
  return local.toUTC().toISO({ suppressMilliseconds: false }) as string;
}

function monthIndex(date: DateTime): number {
  return date.year * 12 + (date.month - 1);
}

/** The day `anchorDay` in the month `index`, clamped to the month's length (Jan 31 → Feb 28). */
function anchoredDayOfMonth(index: number, anchorDay: number): DateTime {
  const first = DateTime.fromObject(
    { year: Math.floor(index / 12), month: (index % 12) + 1, day: 1 },
    { zone: "utc" },
  );
  return first.set({ day: Math.min(anchorDay, first.daysInMonth as number) });
}

/** First day of the period containing `date`, and first day of the next one. */
function periodBounds(schedule: BillingSchedule, date: DateTime): { from: DateTime; next: DateTime } {
  const { interval, billingTime } = schedule;
  const anchor = civilDate(schedule.anchorDate);
  if (interval === "weekly") {
    // Calendar weeks start on Monday (ISO weekday 1); anniversary weeks on the anchor's weekday.
    const firstWeekday = billingTime === "calendar" ? 1 : anchor.weekday;
    const from = date.minus({ days: (date.weekday - firstWeekday + 7) % 7 });
    return { from, next: from.plus({ days: 7 }) };
  }
  const step = MONTHS_PER_PERIOD[interval];
  // Calendar periods start on the 1st of January-aligned months; anniversary ones on the anchor
  // day of months aligned with the anchor's month.
  const cycleStart = billingTime === "calendar" ? 0 : monthIndex(anchor) % step;
  const anchorDay = billingTime === "calendar" ? 1 : anchor.day;
  let index = monthIndex(date) - ((((monthIndex(date) - cycleStart) % step) + step) % step);
  let from = anchoredDayOfMonth(index, anchorDay);
  if (date < from) {
    index -= step;
    from = anchoredDayOfMonth(index, anchorDay);
  }
  return { from, next: anchoredDayOfMonth(index + step, anchorDay) };
}

function toPeriod(from: DateTime, next: DateTime, timezone: string): BillingPeriod {
  const fromDate = from.toISODate() as string;
  const nextDate = next.toISODate() as string;
  return {
    fromDate,
    toDate: next.minus({ days: 1 }).toISODate() as string,
    startsAt: startOfLocalDay(fromDate, timezone),
    endsAt: startOfLocalDay(nextDate, timezone),
    days: Math.round(next.diff(from, "days").days),
  };
}

/** The billing period that contains `instant`, in the applicable timezone. */
export function periodContaining(
  schedule: BillingSchedule,
  timezone: string,
  instant: string,
): BillingPeriod {
  const { from, next } = periodBounds(schedule, civilDate(localDate(instant, timezone)));
  return toPeriod(from, next, timezone);
}

/** The period right after `period`: it starts on the local day after `period.toDate`. */
export function periodAfter(
  schedule: BillingSchedule,
  timezone: string,
  period: BillingPeriod,
): BillingPeriod {
  const { from, next } = periodBounds(schedule, civilDate(period.toDate).plus({ days: 1 }));
  return toPeriod(from, next, timezone);
}

/** Lago's inclusive end of a period: one second before the next period starts. */
export function inclusiveEnd(period: BillingPeriod): string {
  return DateTime.fromISO(period.endsAt, { zone: "utc" }).minus({ seconds: 1 }).toISO() as string;
}

/** Whole local days from `fromDate` to `toDate`, both included. */
export function daysBetweenInclusive(fromDate: string, toDate: string): number {
  return Math.round(civilDate(toDate).diff(civilDate(fromDate), "days").days) + 1;
}

/** A local date `days` days later (or earlier, when negative). */
export function plusDays(isoDate: string, days: number): string {
  return civilDate(isoDate).plus({ days }).toISODate() as string;
}

/** The local date a period is billed on: the first day of the next period. */
export function billingDate(period: BillingPeriod): string {
  return plusDays(period.toDate, 1);
}
