import type { Plan } from "#shared/domain/catalog.js";
import type { CatalogDeps } from "../catalog-deps.js";
import { endSubscriptionsWith, liveSubscriptionRecords } from "../subscriptions/end-subscription.js";

/**
 * DELETE /plans/{code}: as in Lago, its live subscriptions end now (and are billed from the
 * deleted plan), and the plan moves to its tombstone, freeing its code; in one transaction when
 * it fits (see `endSubscriptionsWith`).
 */
export async function deletePlan(deps: CatalogDeps, plan: Plan, now: string): Promise<void> {
  const records = await liveSubscriptionRecords(
    deps.catalog,
    plan.organizationId,
    (subscription) => subscription.planId === plan.id,
  );
  await endSubscriptionsWith(deps, records, now, deps.catalog.planRemoval(plan));
}
