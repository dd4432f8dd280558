import type { Plan, Subscription } from "#shared/domain/catalog.js";
import { yearlyAmountCents } from "#shared/domain/catalog.js";
import { terminated } from "#shared/domain/subscription-lifecycle.js";
import { invalid } from "#shared/platform/http/errors.js";
import type { SubscriptionRecord } from "#shared/store/catalog-store.js";
import type { CatalogDeps } from "../catalog-deps.js";
import { dueUntil } from "./end-subscription.js";
import { newSubscription } from "./new-subscription.js";
import { contextOf } from "./subscription-view.js";

/**
 * Moves a live subscription to another plan: a pending one simply starts on it; an upgrade (a
 * plan of at least the yearly amount) replaces it at once, the old one terminated and billed up
 * to now; a downgrade waits for the end of the current period. Each is one write, conditional on
 * the subscription's revision and on the plan still being there.
 */
export async function changePlan(
  deps: CatalogDeps,
  record: SubscriptionRecord,
  plan: Plan,
  name: string | null,
  now: string,
): Promise<Subscription> {
  const current = record.subscription;
  const context = await contextOf(deps, current);
  if (plan.amountCurrency !== context.plan.amountCurrency)
    throw invalid("currency", "currencies_does_not_match");

  if (current.status === "pending") {
    const updated = { ...current, planId: plan.id, planCode: plan.code, name, updatedAt: now };
    await deps.catalog.write([
      deps.catalog.subscriptionSave(record, updated, record.dueAt),
      deps.catalog.planCheck(plan),
    ]);
    return updated;
  }
  if (yearlyAmountCents(plan) < yearlyAmountCents(context.plan)) {
    // Recorded now, done by the billing clock when the current period closes.
    const updated = { ...current, nextPlanCode: plan.code, updatedAt: now };
    await deps.catalog.write([
      deps.catalog.subscriptionSave(record, updated, record.dueAt),
      deps.catalog.planCheck(plan),
    ]);
    return updated;
  }
  const old = terminated(current, now, "upgraded");
  const successor = newSubscription(
    {
      externalId: current.externalId,
      name,
      subscriptionAt: current.subscriptionAt,
      endingAt: current.endingAt,
      billingTime: current.billingTime,
    },
    plan,
    context.customer,
    context.timezone,
    now,
    current,
  );
  await deps.catalog.write([
    ...deps.catalog.subscriptionReplacement(
      record,
      { subscription: old, dueAt: dueUntil(record, now) },
      successor,
    ),
    deps.catalog.planCheck(plan),
  ]);
  await deps.requestBilling([
    {
      organizationId: old.organizationId,
      externalSubscriptionId: old.externalId,
      subscriptionId: old.id,
      now,
    },
  ]);
  return successor.subscription;
}
