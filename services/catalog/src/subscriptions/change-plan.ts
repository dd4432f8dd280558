import type { Plan, Subscription } from "#shared/domain/catalog.js";
import { yearlyAmountCents } from "#shared/domain/catalog.js";
import { subscriptionPeriodAt } from "#shared/domain/subscription-periods.js";
import { terminated } from "#shared/domain/subscriptions/lifecycle.js";
import { invalid } from "#shared/platform/http/errors.js";
import type { SubscriptionRecord } from "#shared/store/catalog-store.js";
import { type CatalogDeps, changeNotice } from "../catalog-deps.js";
import { subscriptionEvent } from "../events/catalog-events.js";
import { publishAfterChange } from "../events/publish-owed-events.js";
import { childPlanId } from "../plans/merge-plan-overrides.js";
import { overridePlan } from "../plans/override-plan.js";
import type { PlanOverrides } from "../plans/plan-overrides-input.js";
import { newSubscription } from "./new-subscription.js";
import { contextOf } from "./subscription-view.js";

/**
 * Moves a live subscription to another plan: a pending one simply starts on it; an upgrade (a
 * plan of at least the yearly amount) replaces it at once, the old one terminated and billed up
 * to now; a downgrade waits for the end of the current period (the catalog clock switches it).
 * Each is one write, conditional on the subscription's revision and on the plan still being there,
 * and leaves what changed due for invoicing to be told.
 *
 * With `overrides`, the subscription moves to a child plan of `plan` made from them (the pending
 * one's own, or the successor's), and the yearly amounts compared are the overridden ones, as in
 * Lago; a waiting downgrade keeps its child plan until the catalog clock switches to it. The child's
 * id comes from the subscription changing plan and the plan, so a request made again writes the
 * same child.
 */
export async function changePlan(
  deps: CatalogDeps,
  record: SubscriptionRecord,
  plan: Plan,
  name: string | null,
  now: string,
  overrides?: PlanOverrides,
): Promise<Subscription> {
  const current = record.subscription;
  const context = await contextOf(deps, current);
  const override = overrides
    ? await overridePlan(deps, plan, overrides, childPlanId(current.id, plan.id), now)
    : undefined;
  const target = override?.plan ?? plan;
  const overrideWrites = override?.writes ?? [];
  if (target.amountCurrency !== context.plan.amountCurrency)
    throw invalid("currency", "currencies_does_not_match");

  if (current.status === "pending") {
    const updated = { ...current, planId: target.id, planCode: plan.code, name, updatedAt: now };
    const owed = [await subscriptionEvent(deps, "subscription.updated", updated, now, { plan: target })];
    await deps.catalog.write([
      deps.catalog.subscriptionSave(record, updated, now),
      deps.catalog.planCheck(plan),
      ...overrideWrites,
      ...owed.map((event) => deps.catalog.owedEventInsertion(event)),
    ]);
    await publishAfterChange(deps, owed);
    await deps.notifyInvoicing([changeNotice(updated, now)]);
    return updated;
  }
  if (yearlyAmountCents(target) < yearlyAmountCents(context.plan)) {
    // Recorded now, switched by the catalog clock when the current period closes.
    const updated: Subscription = {
      ...current,
      nextPlanCode: plan.code,
      nextPlanId: override ? target.id : null,
      nextPlanAt: subscriptionPeriodAt(current, context.plan, context.timezone, now).endsAt,
      updatedAt: now,
    };
    // Lago's downgrade sends `subscription.updated` for the subscription now waiting to switch.
    const owed = [
      await subscriptionEvent(deps, "subscription.updated", updated, now, { plan: context.plan }),
    ];
    await deps.catalog.write([
      deps.catalog.subscriptionSave(record, updated, now),
      deps.catalog.planCheck(plan),
      ...overrideWrites,
      ...owed.map((event) => deps.catalog.owedEventInsertion(event)),
    ]);
    await publishAfterChange(deps, owed);
    await deps.notifyInvoicing([changeNotice(updated, now)]);
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
    target,
    context.customer,
    context.timezone,
    now,
    current,
  );
  // An upgrade ends the old subscription and starts its successor, each with its event.
  const owed = [
    await subscriptionEvent(deps, "subscription.terminated", old, now, { plan: context.plan }),
    await subscriptionEvent(deps, "subscription.started", successor.subscription, now, { plan: target }),
  ];
  await deps.catalog.write([
    ...deps.catalog.subscriptionReplacement(record, { subscription: old, dueAt: now }, successor),
    deps.catalog.planCheck(plan),
    ...overrideWrites,
    ...owed.map((event) => deps.catalog.owedEventInsertion(event)),
  ]);
  await publishAfterChange(deps, owed);
  await deps.notifyInvoicing([changeNotice(old, now), changeNotice(successor.subscription, now)]);
  return successor.subscription;
}
