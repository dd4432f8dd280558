import type { Subscription } from "#shared/domain/catalog.js";
import { startsLater } from "#shared/domain/subscriptions/lifecycle.js";
import { invalid, notFound } from "#shared/platform/http/errors.js";
import type { SubscriptionRecord } from "#shared/store/catalog-store.js";
import { type CatalogInstant, isValidEndingAt, storedInstant } from "../catalog-dates.js";
import { type CatalogDeps, changeNotice } from "../catalog-deps.js";
import { patch } from "../shared-schemas.js";
import { contextOf } from "./subscription-view.js";

export interface SubscriptionChange {
  readonly name?: string | null;
  readonly endingAt?: CatalogInstant | null;
  readonly subscriptionAt?: CatalogInstant;
}

/**
 * PUT /subscriptions/{external_id}: name and ending_at; subscription_at of a pending one (Lago
 * ignores it once the subscription started). ending_at must fall on a later date than today and
 * than subscription_at (the new one if sent), as Lago's validation has it.
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
  const { timezone } = await contextOf(deps, subscription);
  const movesStart = subscription.status === "pending" && input.subscriptionAt !== undefined;
  const updated: Subscription = {
    ...subscription,
    name: patch(input.name, subscription.name),
    endingAt: input.endingAt === undefined ? subscription.endingAt : (input.endingAt?.iso ?? null),
    subscriptionAt: movesStart ? subscriptionAt.iso : subscription.subscriptionAt,
    updatedAt: now,
  };
  if (updated.status === "pending" && !startsLater(updated.subscriptionAt, timezone, now)) {
    // Moved to today or the past: it starts then, and is billed as if created now with that start.
    Object.assign(updated, { status: "active", startedAt: updated.subscriptionAt, activatedAt: now });
  }
  // Due at once: invoicing is told (a new ending_at moves its billing schedule), and the catalog
  // clock then waits for the next transition.
  await deps.catalog.saveSubscription(record, updated, now);
  await deps.notifyInvoicing([changeNotice(updated, now)]);
  return updated;
}
