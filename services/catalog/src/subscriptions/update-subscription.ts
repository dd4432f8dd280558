import type { Subscription } from "#shared/domain/catalog.js";
import { startsLater } from "#shared/domain/subscriptions/lifecycle.js";
import { invalid, notFound } from "#shared/platform/http/errors.js";
import type { SubscriptionRecord } from "#shared/store/catalog-store.js";
import { type CatalogInstant, isValidEndingAt, storedInstant } from "../catalog-dates.js";
import { type CatalogDeps, changeNotice } from "../catalog-deps.js";
import { subscriptionEvent } from "../events/catalog-events.js";
import { publishAfterChange } from "../events/publish-owed-events.js";
import { childPlanId } from "../plans/merge-plan-overrides.js";
import { overridePlan } from "../plans/override-plan.js";
import type { PlanOverrides } from "../plans/plan-overrides-input.js";
import { patch } from "../shared-schemas.js";
import { contextOf } from "./subscription-view.js";

export interface SubscriptionChange {
  readonly name?: string | null;
  readonly endingAt?: CatalogInstant | null;
  readonly subscriptionAt?: CatalogInstant;
  /** Lago's `plan_overrides`: its own child plan changed, or one made from its plan. */
  readonly planOverrides?: PlanOverrides | undefined;
}

/**
 * PUT /subscriptions/{external_id}: name and ending_at; subscription_at of a pending one (Lago
 * ignores it once the subscription started). ending_at must fall on a later date than today and
 * than subscription_at (the new one if sent), as Lago's validation has it.
 *
 * `plan_overrides` change the subscription's own child plan when it has one (never the parent),
 * else make one from its plan, written with the subscription. The currency stays the customer's.
 */
export async function updateSubscription(
  deps: CatalogDeps,
  record: SubscriptionRecord,
  input: SubscriptionChange,
  now: string,
): Promise<Subscription> {
  const { subscription } = record;
  if (subscription.status !== "active" && subscription.status !== "pending") throw notFound("subscription");
  const subscriptionAt = input.subscriptionAt ?? storedInstant(subscription.subscriptionAt);
  if (input.endingAt && !isValidEndingAt(input.endingAt, subscriptionAt, now))
    throw invalid("ending_at", "invalid_date");
  const { timezone, plan } = await contextOf(deps, subscription);
  const override = input.planOverrides
    ? await overridePlan(deps, plan, input.planOverrides, childPlanId(subscription.id, plan.id), now)
    : undefined;
  if (override && override.plan.amountCurrency !== plan.amountCurrency)
    throw invalid("currency", "currencies_does_not_match");
  const movesStart = subscription.status === "pending" && input.subscriptionAt !== undefined;
  const updated: Subscription = {
    ...subscription,
    name: patch(input.name, subscription.name),
    endingAt: input.endingAt === undefined ? subscription.endingAt : (input.endingAt?.iso ?? null),
    subscriptionAt: movesStart ? subscriptionAt.iso : subscription.subscriptionAt,
    planId: override?.plan.id ?? subscription.planId,
    updatedAt: now,
  };
  if (updated.status === "pending" && !startsLater(updated.subscriptionAt, timezone, now)) {
    // Moved to today or the past: it starts then, and is billed as if created now with that start.
    Object.assign(updated, { status: "active", startedAt: updated.subscriptionAt, activatedAt: now });
  }
  // Due at once: invoicing is told (a new ending_at moves its billing schedule), and the catalog
  // clock then waits for the next transition.
  // `subscription.updated`, and `subscription.started` too when a pending one starts now, as Lago.
  const shown = { plan: override?.plan ?? plan };
  const owed = [
    ...(subscription.status === "pending" && updated.status === "active"
      ? [await subscriptionEvent(deps, "subscription.started", updated, now, shown)]
      : []),
    await subscriptionEvent(deps, "subscription.updated", updated, now, shown),
  ];
  await deps.catalog.write([
    deps.catalog.subscriptionSave(record, updated, now),
    // A child made from a live plan holds only if that plan is still there.
    ...(override && !plan.parentId ? [deps.catalog.planCheck(plan)] : []),
    ...(override?.writes ?? []),
    ...owed.map((event) => deps.catalog.owedEventInsertion(event)),
  ]);
  await publishAfterChange(deps, owed);
  await deps.notifyInvoicing([changeNotice(updated, now)]);
  return updated;
}
