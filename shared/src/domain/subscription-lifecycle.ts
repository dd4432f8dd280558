/**
 * When a subscription next needs the billing clock, and what it does then (LAGO-SEMANTICS.md
 * section 4). Pure: every instant comes in as an argument.
 *
 * The clock acts on one "due" instant per subscription:
 * - pending: the local midnight of subscription_at's day, when it becomes active;
 * - active: the end of its open period (billing it), or `ending_at` if that comes first;
 * - terminated: its termination, until the final partial period is billed; then never.
 */
import type { Plan, Subscription } from "./catalog.js";
import { type BillingPeriod, localDate, periodAfter, startOfLocalDay } from "./periods.js";
import { billingScheduleOf, subscriptionPeriodAt } from "./subscription-periods.js";

/** A subscription whose subscription_at is on a later local day than `now` waits as pending. */
export function startsLater(subscriptionAt: string, timezone: string, now: string): boolean {
  return localDate(subscriptionAt, timezone) > localDate(now, timezone);
}

/** When a pending subscription turns active: the first instant of its start day, locally. */
export function activationInstant(subscriptionAt: string, timezone: string): string {
  return startOfLocalDay(localDate(subscriptionAt, timezone), timezone);
}

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
  plan: Pick<Plan, "interval">,
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
  plan: Pick<Plan, "interval">,
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
  plan: Pick<Plan, "interval">,
  timezone: string,
  period: BillingPeriod,
): string {
  const next = periodAfter(billingScheduleOf(subscription, plan, timezone), timezone, period);
  return closingInstant(subscription, next);
}

/** The open period whose close is due at `dueAt` (the period holding the instant just before it). */
export function periodClosingAt(
  subscription: Pick<Subscription, "billingTime" | "subscriptionAt">,
  plan: Pick<Plan, "interval">,
  timezone: string,
  dueAt: string,
): BillingPeriod {
  return subscriptionPeriodAt(subscription, plan, timezone, new Date(Date.parse(dueAt) - 1).toISOString());
}

/** A subscription ended now, for `reason`; it stays due until its final period is billed. */
export function terminated(
  subscription: Subscription,
  at: string,
  reason: NonNullable<Subscription["terminationReason"]>,
): Subscription {
  return {
    ...subscription,
    status: "terminated",
    terminatedAt: at,
    terminationReason: reason,
    nextPlanCode: null,
    updatedAt: at,
  };
}

/** A pending subscription withdrawn before it started; nothing to bill. */
export function canceled(subscription: Subscription, at: string): Subscription {
  return {
    ...subscription,
    status: "canceled",
    canceledAt: at,
    terminationReason: "canceled",
    updatedAt: at,
  };
}

/** When a plan's free trial ends for this subscription, or null without a trial. */
export function trialEndedAt(
  subscription: Pick<Subscription, "startedAt">,
  plan: Pick<Plan, "trialPeriodDays">,
): string | null {
  if (!subscription.startedAt || plan.trialPeriodDays <= 0) return null;
  return new Date(Date.parse(subscription.startedAt) + plan.trialPeriodDays * 86_400_000).toISOString();
}
