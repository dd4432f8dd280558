import type { Plan, Subscription } from "./catalog.js";
import { type BillingPeriod, type BillingSchedule, localDate, periodContaining } from "./periods.js";

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
