import type { Plan } from "#shared/domain/catalog.js";
import type { CatalogDeps } from "../catalog-deps.js";
import { endSubscriptionsWith, liveSubscriptionRecords } from "../subscriptions/end-subscription.js";

/** Child removals (two writes each) that fit in the last transaction with the plan's own. */
const MAX_REMOVALS_WITH_PLAN = 60;

/**
 * DELETE /plans/{code}: as in Lago, its live subscriptions end now (and are billed from the
 * deleted plan), and the plan moves to its tombstone, freeing its code; in one transaction when
 * it fits (see `endSubscriptionsWith`). Its child plans (subscriptions' `plan_overrides`) go with
 * it, as Lago destroys a plan's children first: their subscriptions end too, and the children
 * move to tombstones of their own, where invoices still being made for them read them.
 */
export async function deletePlan(deps: CatalogDeps, plan: Plan, now: string): Promise<void> {
  const children = (await deps.catalog.listChildPlans(plan.organizationId)).filter(
    (child) => child.parentId === plan.id,
  );
  const planIds = new Set([plan.id, ...children.map((child) => child.id)]);
  const records = await liveSubscriptionRecords(deps.catalog, plan.organizationId, (subscription) =>
    planIds.has(subscription.planId),
  );
  const childRemovals = children.flatMap((child) => deps.catalog.childPlanRemoval(child));
  if (childRemovals.length <= MAX_REMOVALS_WITH_PLAN) {
    await endSubscriptionsWith(deps, records, now, [...childRemovals, ...deps.catalog.planRemoval(plan)]);
    return;
  }
  // Too many children for one transaction: the subscriptions end first, then the children, the
  // plan with the last of them; the same request made again finishes an interrupted deletion.
  await endSubscriptionsWith(deps, records, now, []);
  await deps.catalog.writeInChunks(childRemovals, deps.catalog.planRemoval(plan));
}
