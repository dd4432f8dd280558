import type { BillableMetric } from "#shared/domain/catalog.js";
import type { CatalogStore } from "#shared/store/catalog-store.js";

/**
 * DELETE /billable_metrics/{code}: the metric goes, and so do the charges pricing it (as in
 * Lago), on plans and on subscriptions' child plans: one transaction when it fits, else the plans first and the metric with the last of them,
 * so the same request made again finishes an interrupted change.
 */
export async function deleteBillableMetric(store: CatalogStore, metric: BillableMetric): Promise<void> {
  const [live, children] = await Promise.all([
    store.listPlans(metric.organizationId),
    store.listChildPlans(metric.organizationId),
  ]);
  const plans = [...live, ...children].filter((plan) =>
    plan.charges.some((charge) => charge.billableMetricId === metric.id),
  );
  const withoutCharges = plans.flatMap((plan) => {
    const kept = { ...plan, charges: plan.charges.filter((charge) => charge.billableMetricId !== metric.id) };
    return plan.parentId ? [store.childPlanSave(kept)] : store.planSave(kept);
  });
  await store.writeInChunks(withoutCharges, [store.metricRemoval(metric)]);
}
