/**
 * Dates and instants in catalog requests (subscription_at, ending_at). Lago reads them with
 * `Time.zone.iso8601` and answers `invalid_date` for anything else; we read the same ISO 8601
 * calendar forms, strictly (no calendar rollover: 2026-02-30 is refused, not read as March 2), and
 * only between 1970 and 2100 (docs/limits.md, "Dates"), so every period computed from them exists.
 */
import { DateTime } from "luxon";
import { z } from "zod";
import { isWithinSupportedDates } from "#shared/platform/http/limits.js";

/** Ruby's date parser refuses longer strings; so do we. */
const MAX_DATE_TEXT_LENGTH = 128;

/**
 * `YYYY-MM-DD`, optionally followed by a time (`THH:MM`, seconds and a fraction optional) and an
 * offset (`Z`, `±HH`, `±HHMM`, `±HH:MM`, at most 18 hours). Hours run 00–23: 24:00 is refused
 * rather than rolled over to the next day. A time without an offset is UTC, as in Lago.
 */
const ISO_CALENDAR_FORM =
  /^\d{4}-\d{2}-\d{2}(T([01]\d|2[0-3]):[0-5]\d(:[0-5]\d(\.\d{1,9})?)?(Z|[+-](0\d|1[0-8])(:?[0-5]\d)?)?)?$/;

/** A date or instant a request named, validated. */
export interface CatalogInstant {
  /** The instant, as stored: UTC ISO 8601 with milliseconds. */
  readonly iso: string;
  /** The calendar date as written (in the offset it was written with): what Lago compares. */
  readonly date: string;
}

/** Reads a catalog date or instant, or undefined when Lago's `invalid_date` (or our range) refuses it. */
export function parseCatalogInstant(text: string): CatalogInstant | undefined {
  if (text.length > MAX_DATE_TEXT_LENGTH) return undefined;
  const upper = text.toUpperCase();
  if (!ISO_CALENDAR_FORM.test(upper)) return undefined;
  // Luxon checks the calendar (days in the month, leap years); the form above excludes its
  // extensions (week and ordinal dates, times without a date) and anything it would roll over.
  const written = DateTime.fromISO(upper, { zone: "utc", setZone: true });
  if (!written.isValid) return undefined;
  const ms = written.toMillis();
  if (!isWithinSupportedDates(ms)) return undefined;
  return { iso: new Date(ms).toISOString(), date: written.toISODate() as string };
}

/** An instant already stored (UTC ISO), as a CatalogInstant. */
export function storedInstant(iso: string): CatalogInstant {
  return { iso, date: iso.slice(0, 10) };
}

/** A date or instant field: Lago's `invalid_date` for anything but a valid one in range. */
export const catalogInstant = z.string({ message: "invalid_date" }).transform((value, ctx) => {
  const parsed = parseCatalogInstant(value);
  if (!parsed) {
    ctx.addIssue({ code: "custom", message: "invalid_date" });
    return z.NEVER;
  }
  return parsed;
});

/**
 * Lago's rule for ending_at (`Subscriptions::ValidateService#valid_ending_at?`): its date must come
 * after today's (UTC) and after subscription_at's, each date as written.
 */
export function isValidEndingAt(
  endingAt: CatalogInstant,
  subscriptionAt: CatalogInstant,
  now: string,
): boolean {
  return endingAt.date > now.slice(0, 10) && endingAt.date > subscriptionAt.date;
}
