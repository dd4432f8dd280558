/**
 * When a draft's grace period ends. Lago finalizes a draft once its `expected_finalization_date`
 * is on or before the server's UTC date; here it ends at local midnight starting that date in the
 * customer's timezone, so a Los Angeles draft is not finalized on the evening before and a
 * Kathmandu draft not a quarter to six in the morning after. Pure: `now` comes in as an argument.
 */
import type { Invoice } from "../invoice.js";
import { plusDays, startOfLocalDay } from "../periods.js";

type DraftDates = Pick<Invoice, "billingDate" | "expectedFinalizationDate" | "issuingDate">;

/**
 * The local date a draft is finalized on under the grace period that applies now (a grace period
 * changed after the draft was made applies to it). A draft made before billing dates were kept
 * keeps the date it was made with, as Lago falls back on its issuing date.
 */
export function finalizationDate(draft: DraftDates, graceDays: number): string {
  if (draft.billingDate) return plusDays(draft.billingDate, graceDays);
  return draft.expectedFinalizationDate ?? draft.issuingDate;
}

/** The instant a draft's grace period ends: local midnight starting its finalization date. */
export function finalizationInstant(draft: DraftDates, graceDays: number, timezone: string): string {
  return startOfLocalDay(finalizationDate(draft, graceDays), timezone);
}

/** Whether a draft's grace period has ended by `now`, in the customer's timezone. */
export function gracePeriodEnded(draft: DraftDates, applicable: ApplicableGracePeriod, now: string): boolean {
  return Date.parse(now) >= Date.parse(finalizationInstant(draft, applicable.graceDays, applicable.timezone));
}

export interface ApplicableGracePeriod {
  /** The customer's grace period if set, else the organization's, as they are now. */
  readonly graceDays: number;
  /** The customer's applicable timezone. */
  readonly timezone: string;
}

/**
 * What the billing clock does with a draft at `now`: finalize it once its grace period has ended;
 * else refresh it when late usage flagged it, or when a changed grace period moved its dates;
 * else nothing.
 */
export function draftAction(
  draft: DraftDates & { readonly readyToBeRefreshed?: boolean },
  applicable: ApplicableGracePeriod,
  now: string,
): "finalize" | "refresh" | null {
  if (gracePeriodEnded(draft, applicable, now)) return "finalize";
  if (draft.readyToBeRefreshed) return "refresh";
  const moved =
    draft.billingDate !== undefined &&
    finalizationDate(draft, applicable.graceDays) !== (draft.expectedFinalizationDate ?? draft.issuingDate);
  return moved ? "refresh" : null;
}
