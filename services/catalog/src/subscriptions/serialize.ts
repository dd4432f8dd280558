import type { Subscription } from "#shared/domain/catalog.js";
import { type BillingPeriod, billingDate, inclusiveEnd } from "#shared/domain/periods.js";

export interface SubscriptionView {
  readonly subscription: Subscription;
  /** When the plan's free trial ends, or null. */
  readonly trialEndedAt: string | null;
  /** The open period, for an active subscription. */
  readonly currentPeriod: BillingPeriod | null;
}

export function serializeSubscription({ subscription, currentPeriod, trialEndedAt }: SubscriptionView) {
  return {
    lago_id: subscription.id,
    external_id: subscription.externalId,
    lago_customer_id: subscription.customerId,
    external_customer_id: subscription.externalCustomerId,
    name: subscription.name,
    plan_code: subscription.planCode,
    status: subscription.status,
    billing_time: subscription.billingTime,
    subscription_at: subscription.subscriptionAt,
    started_at: subscription.startedAt,
    trial_ended_at: trialEndedAt,
    ending_at: subscription.endingAt,
    terminated_at: subscription.terminatedAt,
    canceled_at: subscription.canceledAt,
    created_at: subscription.createdAt,
    previous_plan_code: subscription.previousPlanCode,
    next_plan_code: subscription.nextPlanCode,
    downgrade_plan_date: subscription.nextPlanCode && currentPeriod ? billingDate(currentPeriod) : null,
    current_billing_period_started_at: currentPeriod?.startsAt ?? null,
    current_billing_period_ending_at: currentPeriod ? inclusiveEnd(currentPeriod) : null,
  };
}
