/**
 * When invoicing next bills a subscription (its billing schedule). Pure: every instant comes in as
 * an argument.
 *
 * A started subscription is due at the end of its open period (billing it), or at its `ending_at`
 * or termination if that comes first (billing the final, partial period); after that, never. The
 * schedule remembers how far it has billed (`billedThrough`, the end of the last period billed, or
 * the instant a pay-in-advance fee was billed on its own inside the open period).
 */
import type { Subscription } from "../catalog.js";
import { type BillingPeriod, localDate, periodAfter, startOfLocalDay } from "../periods.js";
import {
  billingScheduleOf,
  type PeriodPlan,
  planPeriodOf,
  subscriptionPeriodAt,
} from "../subscription-periods.js";
import { type AdvanceBilling, type AdvancePlan, standaloneAdvanceDue } from "./advance-billing.js";

/** The clock's next instant for an active subscription whose open period is `period`. */
export function closingInstant(subscription: Pick<Subscription, "endingAt">, period: BillingPeriod): string {
  const { endingAt } = subscription;
  return endingAt && endingAt < period.endsAt ? endingAt : period.endsAt;
}

/**
 * The first period billed for a subscription recorded as active at `recordedAt`, which may be
 * long after it started (a subscription_at in the past). Lago's clock bills a period only on its
 * billing day, the local day after the period's last, and never a subscription before it exists:
 * a period whose billing day had passed when the subscription was recorded is never invoiced.
 * So the first period billed is the one holding the start, or the local day before the one it was
 * recorded on, whichever is later: a subscription recorded on a billing day still has the period
 * that just closed billed, as Lago's runs of that day bill it.
 */
export function firstBilledPeriod(
  subscription: Pick<Subscription, "startedAt" | "billingTime" | "subscriptionAt">,
  plan: PeriodPlan,
  timezone: string,
  recordedAt: string,
): BillingPeriod {
  if (!subscription.startedAt) throw new Error("an active subscription has a start");
  const recordedDay = startOfLocalDay(localDate(recordedAt, timezone), timezone);
  const dayBefore = new Date(Date.parse(recordedDay) - 1).toISOString();
  const from = subscription.startedAt > dayBefore ? subscription.startedAt : dayBefore;
  return subscriptionPeriodAt(subscription, plan, timezone, from);
}

/**
 * The due instant of a subscription that has just become active (created or activated), recorded
 * as such at `recordedAt` (by default when it started: activated by the clock, or created now).
 */
export function firstClosing(
  subscription: Pick<Subscription, "startedAt" | "endingAt" | "billingTime" | "subscriptionAt">,
  plan: PeriodPlan,
  timezone: string,
  recordedAt?: string,
): string {
  if (!subscription.startedAt) throw new Error("an active subscription has a start");
  return closingInstant(
    subscription,
    firstBilledPeriod(subscription, plan, timezone, recordedAt ?? subscription.startedAt),
  );
}

/** The due instant after billing `period` in full. */
export function closingAfter(
  subscription: Pick<Subscription, "endingAt" | "billingTime" | "subscriptionAt">,
  plan: PeriodPlan,
  timezone: string,
  period: BillingPeriod,
): string {
  const next = periodAfter(billingScheduleOf(subscription, plan, timezone), timezone, period);
  return closingInstant(subscription, next);
}

/** The open period whose close is due at `dueAt` (the period holding the instant just before it). */
export function periodClosingAt(
  subscription: Pick<Subscription, "billingTime" | "subscriptionAt">,
  plan: PeriodPlan,
  timezone: string,
  dueAt: string,
): BillingPeriod {
  return subscriptionPeriodAt(subscription, plan, timezone, new Date(Date.parse(dueAt) - 1).toISOString());
}

/**
 * The next instant a subscription is due for billing, given how far it has been billed (null:
 * nothing yet), or null when nothing is left to bill (not started, canceled, or billed through
 * its termination). `subscription` is as it stands (see `asOf` in lifecycle.ts).
 */
export function nextClosing(
  subscription: Subscription,
  plan: AdvancePlan,
  timezone: string,
  billedThrough: string | null,
): string | null {
  if (!subscription.startedAt || subscription.status === "pending" || subscription.status === "canceled")
    return null;
  // Where billing stops: the termination, or the ending_at an active one is heading for.
  const end = subscription.status === "terminated" ? subscription.terminatedAt : subscription.endingAt;
  if (billedThrough !== null && end !== null && billedThrough >= end) return null;
  const closing = closingOfOpenPeriod(subscription, openPeriod(subscription, plan, timezone, billedThrough));
  // A pay-in-advance fee billed on its own (at the start, at a trial's end) comes before the close.
  const advance = openAdvanceDue(subscription, plan, timezone, billedThrough);
  return advance ? advance.billing.at : closing;
}

/** When the open period closes: its end, or the termination or ending_at that comes first. */
function closingOfOpenPeriod(subscription: Subscription, period: BillingPeriod): string {
  const end = subscription.status === "terminated" ? subscription.terminatedAt : subscription.endingAt;
  const closing = closingInstant(subscription, period);
  return end !== null && end < closing ? end : closing;
}

/**
 * The pay-in-advance fee of the open period due on an invoice of its own before the period closes
 * (when the subscription starts, when its trial ends), if it has not been billed yet.
 */
export function openAdvanceDue(
  subscription: Subscription,
  plan: AdvancePlan,
  timezone: string,
  billedThrough: string | null,
): { readonly period: BillingPeriod; readonly billing: AdvanceBilling } | null {
  const open = openPeriod(subscription, plan, timezone, billedThrough);
  const closing = closingOfOpenPeriod(subscription, open);
  // The base fee's period: a plan billing its charges monthly pays its year ahead.
  const period = planPeriodOf(subscription, plan, timezone, open);
  const billing = standaloneAdvanceDue(subscription, plan, timezone, period, billedThrough, closing);
  return billing ? { period, billing } : null;
}

/** The first period not billed yet: the first one billed at all, or the one after `billedThrough`. */
export function openPeriod(
  subscription: Pick<
    Subscription,
    "startedAt" | "billingTime" | "subscriptionAt" | "createdAt" | "activatedAt"
  >,
  plan: PeriodPlan,
  timezone: string,
  billedThrough: string | null,
): BillingPeriod {
  return billedThrough === null
    ? firstBilledPeriod(subscription, plan, timezone, subscription.activatedAt ?? subscription.createdAt)
    : subscriptionPeriodAt(subscription, plan, timezone, billedThrough);
}
