import type { BillableMetric, Plan, Subscription } from "../domain/catalog.js";
import { type ChargeFee, priceCharges } from "../domain/charge-fees.js";
import type { BillingWindow } from "../domain/subscription-periods.js";
import type { CatalogStore } from "../store/catalog-store.js";
import type { UsageStore } from "../store/usage-store.js";

/**
 * A subscription's charges priced over one period, from pre-aggregated usage: one query for the
 * period's usage and one read per billable metric, whatever the number of events.
 */
export async function periodChargeFees(
  stores: { readonly catalog: CatalogStore; readonly usage: UsageStore },
  subscription: Subscription,
  plan: Plan,
  { period }: BillingWindow,
): Promise<ChargeFee[]> {
  const codes = [...new Set(plan.charges.map((charge) => charge.billableMetricCode))];
  const [usage, ...metrics] = await Promise.all([
    stores.usage.periodUsage({
      organizationId: subscription.organizationId,
      subscriptionId: subscription.id,
      periodStartsAt: period.startsAt,
    }),
    ...codes.map((code) => stores.catalog.getMetric(subscription.organizationId, code)),
  ]);
  const byCode = new Map<string, BillableMetric>();
  for (const metric of metrics) if (metric) byCode.set(metric.code, metric);
  return priceCharges(plan, byCode, usage);
}
