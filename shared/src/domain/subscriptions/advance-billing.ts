/**
 * When a pay-in-advance plan's base fee is billed, period by period. Pure: every instant comes in
 * as an argument.
 *
 * As Lago bills it:
 * - a period's fee is billed when the period starts, on the invoice closing the period before it
 *   (with that period's usage, in arrears);
 * - the first period's fee is billed when the subscription starts, on an invoice of its own,
 *   prorated from the start day (a subscription started on the day it was recorded; one recorded
 *   with a `subscription_at` already past has its first period's fee never billed, Lago bills it
 *   from its next period on);
 * - a free trial moves the fee of the period where it ends to its last day, on an invoice of its
 *   own, prorated from that day; a period wholly in trial is not billed;
 * - a subscription terminated by the time the fee would be billed is not billed for it.
 */
import type { Plan, Subscription } from "../catalog.js";
import { type BillingPeriod, localDate } from "../periods.js";
import { trialEndedAt } from "./lifecycle.js";

export type AdvancePlan = Pick<Plan, "interval" | "payInAdvance" | "trialPeriodDays"> &
  Partial<Pick<Plan, "billChargesMonthly">>;

export interface AdvanceBilling {
  /** The instant it is billed. */
  readonly at: string;
  /** Whether it rides on the invoice closing the previous period (else it has an invoice of its own). */
  readonly onPreviousClosing: boolean;
  /** First local day it covers (the start day, or the period's first), before any trial. */
  readonly firstDate: string;
  /** Local day the trial ends on, when a trial spares part of it. */
  readonly trialEndDate: string | null;
}

/**
 * When the base fee of `period` is billed in advance, or null when it never is (an in-arrears plan,
 * a period in trial through its end, a subscription ended before it). A subscription is recorded
 * as active at its `activatedAt`, else its `createdAt`.
 */
export function advanceBillingOf(
  subscription: Pick<
    Subscription,
    "startedAt" | "terminatedAt" | "activatedAt" | "createdAt" | "trialStartedAt"
  >,
  plan: AdvancePlan,
  timezone: string,
  period: BillingPeriod,
): AdvanceBilling | null {
  const { startedAt, terminatedAt } = subscription;
  if (!plan.payInAdvance || !startedAt || startedAt >= period.endsAt) return null;
  const trialEnd = trialEndedAt(subscription, plan);
  const trialEndDate = trialEnd ? localDate(trialEnd, timezone) : null;
  const first = startedAt >= period.startsAt;
  const firstDate = first ? localDate(startedAt, timezone) : period.fromDate;
  let at: string;
  let onPreviousClosing = false;
  if (trialEnd && trialEndDate && trialEndDate > firstDate) {
    at = trialEnd;
  } else if (first) {
    const recordedAt = subscription.activatedAt ?? subscription.createdAt;
    // A subscription backdated to a day before it was recorded: Lago never bills its first period's fee.
    if (localDate(recordedAt, timezone) > firstDate) return null;
    at = startedAt;
  } else {
    at = period.startsAt;
    onPreviousClosing = true;
  }
  if (at >= period.endsAt) return null;
  if (terminatedAt !== null && terminatedAt < at) return null;
  // Terminated at the very boundary (a downgrade's switch): the next plan bills the period.
  if (onPreviousClosing && terminatedAt !== null && terminatedAt <= period.startsAt) return null;
  return { at, onPreviousClosing, firstDate, trialEndDate: trialEnd && trialEndDate ? trialEndDate : null };
}

/**
 * The advance fee of `period` billed on an invoice of its own, when it is still to bill after
 * `billedThrough` (how far the schedule has billed) and before `closing` (the period's close).
 */
export function standaloneAdvanceDue(
  subscription: Pick<
    Subscription,
    "startedAt" | "terminatedAt" | "activatedAt" | "createdAt" | "trialStartedAt"
  >,
  plan: AdvancePlan,
  timezone: string,
  period: BillingPeriod,
  billedThrough: string | null,
  closing: string,
): AdvanceBilling | null {
  const advance = advanceBillingOf(subscription, plan, timezone, period);
  if (!advance || advance.onPreviousClosing || advance.at >= closing) return null;
  if (billedThrough !== null && advance.at <= billedThrough) return null;
  return advance;
}
