import type { BillableMetric, Plan, Subscription } from "../domain/catalog.js";
import { type ChargeFee, priceCharges } from "../domain/charge-fees.js";
import type { BillingWindow } from "../domain/subscription-periods.js";
import type { CatalogStore } from "../store/catalog-store.js";
import type { EventStore } from "../store/event-store.js";

/**
 * A subscription's charges priced over a billing window, computed from its stored raw events by
 * the reference aggregation engine, so every aggregation type, filter and group is exact.
 */
export async function periodChargeFees(
  stores: { readonly catalog: CatalogStore; readonly events: EventStore },
  subscription: Subscription,
  plan: Plan,
  window: BillingWindow,
  timezone: string,
): Promise<ChargeFee[]> {
  const codes = [...new Set(plan.charges.map((charge) => charge.billableMetricCode))];
  const [events, ...metrics] = await Promise.all([
    codes.length > 0
      ? stores.events.listForSubscription(subscription.organizationId, subscription.externalId)
      : Promise.resolve([]),
    ...codes.map((code) => stores.catalog.getMetric(subscription.organizationId, code)),
  ]);
  const byCode = new Map<string, BillableMetric>();
  for (const metric of metrics) if (metric) byCode.set(metric.code, metric);
  return priceCharges(plan, byCode, events, {
    from: window.chargesFrom,
    to: window.chargesUntil,
    periodDays: window.period.days,
    timezone,
  });
}
