import { applicableTimezone, type Customer, type Subscription } from "#shared/domain/catalog.js";
import { subscriptionPeriodAt } from "#shared/domain/subscription-periods.js";
import { trialEndedAt } from "#shared/domain/subscriptions/lifecycle.js";
import { notFound } from "#shared/platform/http/errors.js";
import type { CatalogDeps } from "../catalog-deps.js";
import { serializeSubscription } from "./serialize.js";

export async function timezoneOf(deps: CatalogDeps, customer: Customer): Promise<string> {
  const organization = await deps.organizations.get(customer.organizationId);
  if (!organization) throw notFound("organization");
  return applicableTimezone(customer, organization);
}

/** A subscription's plan and customer (deleted ones included) and its customer's timezone. */
export async function contextOf(deps: CatalogDeps, subscription: Subscription) {
  const [plan, customer] = await Promise.all([
    deps.catalog.planOf(subscription),
    deps.catalog.customerOf(subscription),
  ]);
  if (!plan || !customer) throw new Error(`subscription ${subscription.id} lost its plan or customer`);
  return { plan, customer, timezone: await timezoneOf(deps, customer) };
}

/** A subscription as the API shows it at `now`. */
export async function presentSubscription(deps: CatalogDeps, subscription: Subscription, now: string) {
  const { plan, timezone } = await contextOf(deps, subscription);
  return serializeSubscription({
    subscription,
    trialEndedAt: trialEndedAt(subscription, plan),
    currentPeriod:
      subscription.status === "active" ? subscriptionPeriodAt(subscription, plan, timezone, now) : null,
  });
}
