import { randomUUID } from "node:crypto";
import type { Customer, Plan, Subscription } from "#shared/domain/catalog.js";
import { inheritedTrialStart, startsLater } from "#shared/domain/subscriptions/lifecycle.js";

export interface NewSubscriptionInput {
  /** Its id when already drawn (a child plan's id derives from it); a new one otherwise. */
  readonly id?: string;
  readonly externalId: string;
  readonly name: string | null;
  readonly subscriptionAt: string;
  readonly endingAt: string | null;
  readonly billingTime: Subscription["billingTime"];
}

/**
 * A new subscription: active from subscription_at if that is today or earlier (local), else
 * pending until then (the catalog clock starts it). It is due in the catalog's index at once, until
 * invoicing has been told of it.
 */
export function newSubscription(
  input: NewSubscriptionInput,
  plan: Plan,
  customer: Customer,
  timezone: string,
  now: string,
  previous?: Subscription,
): { subscription: Subscription; dueAt: string } {
  const pending = startsLater(input.subscriptionAt, timezone, now);
  const subscription: Subscription = {
    id: input.id ?? randomUUID(),
    organizationId: customer.organizationId,
    externalId: input.externalId,
    customerId: customer.id,
    externalCustomerId: customer.externalId,
    planId: plan.id,
    planCode: plan.code,
    name: input.name,
    status: pending ? "pending" : "active",
    billingTime: input.billingTime,
    subscriptionAt: input.subscriptionAt,
    startedAt: pending ? null : previous ? now : input.subscriptionAt,
    endingAt: input.endingAt,
    terminatedAt: null,
    canceledAt: null,
    terminationReason: null,
    previousSubscriptionId: previous?.id ?? null,
    ...(previous ? { trialStartedAt: inheritedTrialStart(previous) } : {}),
    previousPlanCode: previous?.planCode ?? null,
    nextPlanCode: null,
    createdAt: now,
    updatedAt: now,
  };
  return { subscription, dueAt: now };
}
