import type { BillableMetric } from "#shared/domain/catalog.js";
import type { CatalogStore } from "#shared/store/catalog-store.js";

/**
 * DELETE /billable_metrics/{code}: the metric goes, and so do the charges pricing it (as in
 * Lago): one transaction when it fits, else the plans first and the metric with the last of them,
 * so the same request made again finishes an interrupted change.
 */
export async function deleteBillableMetric(store: CatalogStore, metric: BillableMetric): Promise<void> {
  const plans = (await store.listPlans(metric.organizationId)).filter((plan) =>
    plan.charges.some((charge) => charge.billableMetricId === metric.id),
  );
  const withoutCharges = plans.flatMap((plan) =>
    store.planSave({
      ...plan,
      charges: plan.charges.filter((charge) => charge.billableMetricId !== metric.id),
    }),
  );
  await store.writeInChunks(withoutCharges, [store.metricRemoval(metric)]);
}
