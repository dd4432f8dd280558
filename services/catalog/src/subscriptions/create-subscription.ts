import { randomUUID } from "node:crypto";
import type { Customer, Plan, Subscription } from "#shared/domain/catalog.js";
import { invalid, notFound } from "#shared/platform/http/errors.js";
import type { CatalogStore, CatalogWrite } from "#shared/store/catalog-store.js";
import { type CatalogInstant, isValidEndingAt, storedInstant } from "../catalog-dates.js";
import { type CatalogDeps, changeNotice } from "../catalog-deps.js";
import { newCustomer } from "../customers/upsert-customer.js";
import { subscriptionEvent } from "../events/catalog-events.js";
import { publishAfterChange } from "../events/publish-owed-events.js";
import { childPlanId } from "../plans/merge-plan-overrides.js";
import { overridePlan } from "../plans/override-plan.js";
import type { PlanOverrides } from "../plans/plan-overrides-input.js";
import { changePlan } from "./change-plan.js";
import { newSubscription } from "./new-subscription.js";
import { timezoneOf } from "./subscription-view.js";

export interface SubscriptionCreation {
  readonly externalCustomerId: string;
  readonly planCode: string;
  readonly externalId: string;
  readonly name: string | null | undefined;
  readonly subscriptionAt: CatalogInstant | null | undefined;
  readonly endingAt: CatalogInstant | null | undefined;
  readonly billingTime: Subscription["billingTime"] | undefined;
  /** Lago's `plan_overrides`: the subscription gets a child plan of its own (even when empty). */
  readonly planOverrides?: PlanOverrides | undefined;
}

/**
 * The customer a new subscription belongs to, and its part of the change: created when unknown
 * (as Lago does), given the plan's currency when it has none, else only required to still exist.
 */
async function customerFor(
  catalog: CatalogStore,
  organizationId: string,
  externalCustomerId: string,
  plan: Plan,
  now: string,
): Promise<{ customer: Customer; writes: CatalogWrite[] }> {
  const currency = plan.amountCurrency;
  const existing = await catalog.getCustomer(organizationId, externalCustomerId);
  if (existing) {
    if (existing.currency && existing.currency !== currency)
      throw invalid("currency", "currencies_does_not_match");
    if (existing.currency) return { customer: existing, writes: [catalog.customerCheck(existing)] };
    const withCurrency = { ...existing, currency, updatedAt: now };
    return { customer: withCurrency, writes: [catalog.customerReplacement(withCurrency)] };
  }
  const sequentialId = await catalog.takeSequence(organizationId, "customer");
  const customer = { ...newCustomer(organizationId, externalCustomerId, sequentialId, now), currency };
  return { customer, writes: [catalog.customerInsertion(customer)] };
}

/**
 * POST /subscriptions. A new external id starts a subscription (and creates an unknown customer,
 * as Lago does); a live one on another plan changes plan; the same request again returns it
 * unchanged. Everything is checked before anything is written, and the customer and the
 * subscription are written in one transaction: a refused or failed request changes nothing (a new
 * customer's sequential id may then stay unused).
 */
export async function createSubscription(
  deps: CatalogDeps,
  organizationId: string,
  input: SubscriptionCreation,
  now: string,
): Promise<Subscription> {
  const plan = await deps.catalog.getPlan(organizationId, input.planCode);
  if (!plan) throw notFound("plan");
  const subscriptionAt = input.subscriptionAt ?? storedInstant(now);
  if (input.endingAt && !isValidEndingAt(input.endingAt, subscriptionAt, now))
    throw invalid("ending_at", "invalid_date");

  const record = await deps.catalog.subscriptionRecord(organizationId, input.externalId);
  const current = record?.subscription;
  if (record && current && (current.status === "active" || current.status === "pending")) {
    if (current.externalCustomerId !== input.externalCustomerId)
      throw invalid("external_id", "value_already_exist");
    if (current.planId === plan.id) return current;
    // Already on its own child of this plan (a retry of the request that made it): unchanged, as
    // on the plan itself. Lago would take it for an upgrade to the parent plan.
    if ((await deps.catalog.planOf(current))?.parentId === plan.id) return current;
    return changePlan(deps, record, plan, input.name ?? current.name, now, input.planOverrides);
  }

  const id = randomUUID();
  // Checked in full before anything is written, the customer included.
  const override = input.planOverrides
    ? await overridePlan(deps, plan, input.planOverrides, childPlanId(id, plan.id), now)
    : undefined;
  const target = override?.plan ?? plan;
  const { customer, writes } = await customerFor(
    deps.catalog,
    organizationId,
    input.externalCustomerId,
    target,
    now,
  );
  const created = newSubscription(
    {
      id,
      externalId: input.externalId,
      name: input.name ?? null,
      subscriptionAt: subscriptionAt.iso,
      endingAt: input.endingAt?.iso ?? null,
      billingTime: input.billingTime ?? "calendar",
    },
    target,
    customer,
    await timezoneOf(deps, customer),
    now,
  );
  // Started at once: `subscription.started`, as Lago sends it (a pending one's comes when it starts).
  const owed =
    created.subscription.status === "active"
      ? [
          await subscriptionEvent(deps, "subscription.started", created.subscription, now, {
            plan: target,
            customer,
          }),
        ]
      : [];
  await deps.catalog.write([
    ...writes,
    deps.catalog.planCheck(plan),
    ...(override?.writes ?? []),
    // An external id whose subscription ended is free again: the old one goes to the history.
    ...(record
      ? deps.catalog.subscriptionReplacement(record, record, created)
      : [deps.catalog.subscriptionInsertion(created.subscription, created.dueAt)]),
    ...owed.map((event) => deps.catalog.owedEventInsertion(event)),
  ]);
  await publishAfterChange(deps, owed);
  await deps.notifyInvoicing([changeNotice(created.subscription, now)]);
  return created.subscription;
}
