import {
  applicableTimezone,
  type Customer,
  type Organization,
  type Plan,
  type Subscription,
} from "#shared/domain/catalog.js";
import { subscriptionPeriodAt } from "#shared/domain/subscription-periods.js";
import { trialEndedAt } from "#shared/domain/subscriptions/lifecycle.js";
import { notFound } from "#shared/platform/http/errors.js";
import type { CatalogDeps } from "../catalog-deps.js";
import { serializeSubscriptionExtended } from "./serialize.js";

async function organizationOf(deps: CatalogDeps, customer: Customer): Promise<Organization> {
  const organization = await deps.organizations.get(customer.organizationId);
  if (!organization) throw notFound("organization");
  return organization;
}

export async function timezoneOf(deps: CatalogDeps, customer: Customer): Promise<string> {
  return applicableTimezone(customer, await organizationOf(deps, customer));
}

/** A subscription's plan and customer (deleted ones included), its organization and its customer's timezone. */
export async function contextOf(deps: CatalogDeps, subscription: Subscription) {
  const [plan, customer] = await Promise.all([
    deps.catalog.planOf(subscription),
    deps.catalog.customerOf(subscription),
  ]);
  if (!plan || !customer) throw new Error(`subscription ${subscription.id} lost its plan or customer`);
  const organization = await organizationOf(deps, customer);
  return { plan, customer, organization, timezone: applicableTimezone(customer, organization) };
}

/** Whether a plan names a tax anywhere: only then are the organization's taxes read to show them. */
export const namesTaxes = (plan: Plan) =>
  plan.taxCodes.length > 0 ||
  (plan.minimumCommitment?.taxCodes.length ?? 0) > 0 ||
  plan.charges.some((charge) => charge.taxCodes.length > 0);

/** The organization's taxes when the plan names one (to show them), else none read. */
export const taxesShownWith = (deps: CatalogDeps, plan: Plan) =>
  namesTaxes(plan) ? deps.catalog.listTaxes(plan.organizationId) : Promise.resolve([]);

/** A subscription as the API shows it at `now`, with its plan, from what it was read with. */
export function subscriptionViewAt(view: {
  readonly subscription: Subscription;
  readonly plan: Plan;
  readonly organization: Organization;
  readonly timezone: string;
  readonly taxes: Awaited<ReturnType<typeof taxesShownWith>>;
  readonly now: string;
}) {
  const { subscription, plan, organization, timezone, taxes, now } = view;
  return serializeSubscriptionExtended(
    {
      subscription,
      organization,
      trialEndedAt: trialEndedAt(subscription, plan),
      currentPeriod:
        subscription.status === "active" ? subscriptionPeriodAt(subscription, plan, timezone, now) : null,
    },
    plan,
    taxes,
  );
}

/** A subscription as the API shows it at `now`, with its plan. */
export async function presentSubscription(deps: CatalogDeps, subscription: Subscription, now: string) {
  const { plan, organization, timezone } = await contextOf(deps, subscription);
  const taxes = await taxesShownWith(deps, plan);
  return subscriptionViewAt({ subscription, plan, organization, timezone, taxes, now });
}
