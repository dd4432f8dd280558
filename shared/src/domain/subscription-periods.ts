import type { Plan, Subscription } from "./catalog.js";
import {
  type BillingPeriod,
  type BillingSchedule,
  inclusiveEnd,
  localDate,
  periodContaining,
} from "./periods.js";

/** How a subscription's periods run: the plan's interval, its billing time, anchored on subscription_at. */
export function billingScheduleOf(
  subscription: Pick<Subscription, "billingTime" | "subscriptionAt">,
  plan: Pick<Plan, "interval">,
  timezone: string,
): BillingSchedule {
  return {
    interval: plan.interval,
    billingTime: subscription.billingTime,
    anchorDate: localDate(subscription.subscriptionAt, timezone),
  };
}

/** Whether usage at `instant` belongs to the subscription: from its start, up to its termination. */
export function isWithinSubscription(
  subscription: Pick<Subscription, "startedAt" | "terminatedAt">,
  instant: string,
): boolean {
  if (!subscription.startedAt || instant < subscription.startedAt) return false;
  return !subscription.terminatedAt || instant <= subscription.terminatedAt;
}

/** The period holding `instant` for this subscription. */
export function subscriptionPeriodAt(
  subscription: Pick<Subscription, "billingTime" | "subscriptionAt">,
  plan: Pick<Plan, "interval">,
  timezone: string,
  instant: string,
): BillingPeriod {
  return periodContaining(billingScheduleOf(subscription, plan, timezone), timezone, instant);
}

/** Where a period's usage starts counting: the period start, or the subscription's start if later. */
export function chargesFromDatetime(
  subscription: Pick<Subscription, "startedAt">,
  period: BillingPeriod,
): string {
  const startedAt = subscription.startedAt ?? period.startsAt;
  return startedAt > period.startsAt ? startedAt : period.startsAt;
}

/** What a subscription is billed for in one period: its days and its usage window. */
export interface BillingWindow {
  readonly period: BillingPeriod;
  /** Usage counts from this instant (inclusive)… */
  readonly chargesFrom: string;
  /** …until this one (exclusive). */
  readonly chargesUntil: string;
  /** Lago's inclusive end, as fees and usage show it. */
  readonly toDatetime: string;
  /** First and last local days the base fee covers. */
  readonly firstDate: string;
  readonly lastDate: string;
}

/**
 * The part of `period` a subscription is billed for: from its start (if it started inside the
 * period) to its termination (if it ended inside it), both by instant for usage and by local day
 * for the base fee.
 */
export function billingWindow(
  subscription: Pick<Subscription, "startedAt" | "terminatedAt">,
  period: BillingPeriod,
  timezone: string,
): BillingWindow {
  const chargesFrom = chargesFromDatetime(subscription, period);
  const { terminatedAt } = subscription;
  const endsInside = terminatedAt !== null && terminatedAt < period.endsAt;
  return {
    period,
    chargesFrom,
    chargesUntil: endsInside ? new Date(Date.parse(terminatedAt) + 1).toISOString() : period.endsAt,
    toDatetime: endsInside ? terminatedAt : inclusiveEnd(period),
    firstDate: localDate(chargesFrom, timezone),
    lastDate: endsInside ? localDate(terminatedAt, timezone) : period.toDate,
  };
}
