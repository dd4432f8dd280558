import type { Plan, Subscription } from "./catalog.js";
import {
  type BillingPeriod,
  type BillingSchedule,
  inclusiveEnd,
  localDate,
  periodContaining,
} from "./periods.js";

/** A plan as its periods need it: a yearly or semiannual one may bill its charges every month. */
export type PeriodPlan = Pick<Plan, "interval"> & Partial<Pick<Plan, "billChargesMonthly">>;

/** Whether the plan's charges are billed every month while its base fee keeps its own interval. */
export function billsChargesMonthly(plan: PeriodPlan): boolean {
  return plan.billChargesMonthly === true && (plan.interval === "yearly" || plan.interval === "semiannual");
}

/**
 * How a subscription's billing periods run (the periods its usage is counted and invoiced in):
 * the plan's interval (monthly when its charges are billed monthly), its billing time, anchored on
 * subscription_at.
 */
export function billingScheduleOf(
  subscription: Pick<Subscription, "billingTime" | "subscriptionAt">,
  plan: PeriodPlan,
  timezone: string,
): BillingSchedule {
  return {
    interval: billsChargesMonthly(plan) ? "monthly" : plan.interval,
    billingTime: subscription.billingTime,
    anchorDate: localDate(subscription.subscriptionAt, timezone),
  };
}

/** How the base fee's periods run: always the plan's own interval. */
export function planScheduleOf(
  subscription: Pick<Subscription, "billingTime" | "subscriptionAt">,
  plan: Pick<Plan, "interval">,
  timezone: string,
): BillingSchedule {
  return billingScheduleOf(subscription, { interval: plan.interval }, timezone);
}

/**
 * The base fee's period holding a billing period: the billing period itself, or the year (half
 * year) a month of a plan billing its charges monthly belongs to.
 */
export function planPeriodOf(
  subscription: Pick<Subscription, "billingTime" | "subscriptionAt">,
  plan: PeriodPlan,
  timezone: string,
  period: BillingPeriod,
): BillingPeriod {
  if (!billsChargesMonthly(plan)) return period;
  return periodContaining(planScheduleOf(subscription, plan, timezone), timezone, period.startsAt);
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
  plan: PeriodPlan,
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
