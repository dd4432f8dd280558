import type { Subscription } from "#shared/domain/catalog.js";
import { activationInstant, firstClosing, startsLater } from "#shared/domain/subscription-lifecycle.js";
import { subscriptionPeriodAt } from "#shared/domain/subscription-periods.js";
import { invalid, notFound } from "#shared/platform/http/errors.js";
import type { SubscriptionRecord } from "#shared/store/catalog-store.js";
import { type CatalogInstant, isValidEndingAt, storedInstant } from "../catalog-dates.js";
import type { CatalogDeps } from "../catalog-deps.js";
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
  const { plan, timezone } = await contextOf(deps, subscription);
  const movesStart = subscription.status === "pending" && input.subscriptionAt !== undefined;
  const updated: Subscription = {
    ...subscription,
    name: patch(input.name, subscription.name),
    endingAt: input.endingAt === undefined ? subscription.endingAt : (input.endingAt?.iso ?? null),
    subscriptionAt: movesStart ? subscriptionAt.iso : subscription.subscriptionAt,
    updatedAt: now,
  };
  let dueAt = record.dueAt;
  if (updated.status === "pending") {
    if (startsLater(updated.subscriptionAt, timezone, now)) {
      dueAt = activationInstant(updated.subscriptionAt, timezone);
    } else {
      // Moved to today or the past: it starts then, and is billed as if created now with that start.
      Object.assign(updated, { status: "active", startedAt: updated.subscriptionAt });
      dueAt = firstClosing(updated, plan, timezone, now);
    }
  } else if (updated.endingAt !== subscription.endingAt) {
    // The clock must stop at the new ending_at if it comes before the open period's end.
    // A period that closed earlier and is still to be billed keeps its turn.
    const period = subscriptionPeriodAt(updated, plan, timezone, now);
    const closing = updated.endingAt && updated.endingAt < period.endsAt ? updated.endingAt : period.endsAt;
    dueAt = record.dueAt && record.dueAt <= now ? record.dueAt : closing;
  }
  await deps.catalog.saveSubscription(record, updated, dueAt);
  return updated;
}
