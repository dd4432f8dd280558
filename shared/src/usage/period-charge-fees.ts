import type { ChargesWindow } from "../domain/aggregation/index.js";
import type { BillableMetric, Charge, Plan, Subscription } from "../domain/catalog.js";
import { type ChargeFee, priceCharges } from "../domain/charge-fees.js";
import {
  aggregatesCanPrice,
  type BucketTotals,
  type MetricAggregates,
  priceChargeFromAggregates,
} from "../domain/charge-fees-from-aggregates.js";
import { needsRawEvents } from "../domain/pre-aggregation/index.js";
import type { BillingWindow } from "../domain/subscription-periods.js";
import type { CatalogStore } from "../store/catalog-store.js";
import type { EventStore } from "../store/event-store.js";
import type { AggregateRead, UsageStore } from "../store/usage-store.js";

export interface UsageSources {
  readonly catalog: CatalogStore;
  readonly events: EventStore;
  readonly usage: UsageStore;
}

const bucketsOf = (reads: readonly AggregateRead[], metricCode: string): BucketTotals[] =>
  reads.filter((read) => read.metricCode === metricCode).map(({ bucket, totals }) => ({ bucket, totals }));

/**
 * A subscription's charges priced over a billing window. A whole period is priced from its
 * pre-aggregated usage: one query for the period, one for earlier periods when a recurring metric
 * carries over, one per unique-count metric — whatever the number of events. A window cut short (a
 * termination) and the few charges whose price needs each event (see `needsRawEvents`) are priced
 * from the stored raw events instead, by the reference engine.
 */
export async function periodChargeFees(
  sources: UsageSources,
  subscription: Subscription,
  plan: Plan,
  window: BillingWindow,
  timezone: string,
): Promise<ChargeFee[]> {
  const { organizationId, id: subscriptionId } = subscription;
  const codes = [...new Set(plan.charges.map((charge) => charge.billableMetricCode))];
  const found = await Promise.all(codes.map((code) => sources.catalog.getMetric(organizationId, code)));
  const metrics = new Map<string, BillableMetric>();
  for (const metric of found) if (metric) metrics.set(metric.code, metric);
  const metricOf = (charge: Charge) => {
    const metric = metrics.get(charge.billableMetricCode);
    if (!metric)
      throw new Error(`billable metric ${charge.billableMetricCode} of charge ${charge.id} is missing`);
    return metric;
  };
  const chargesWindow: ChargesWindow = {
    from: window.chargesFrom,
    to: window.chargesUntil,
    periodDays: window.period.days,
    timezone,
  };
  const wholePeriod = window.chargesUntil === window.period.endsAt;
  const fromAggregates = wholePeriod
    ? plan.charges.filter((charge) => !needsRawEvents(charge, metricOf(charge)))
    : [];

  const aggregates = new Map<string, MetricAggregates>();
  if (fromAggregates.length > 0) {
    const periodStartsAt = window.period.startsAt;
    const used = [...new Set(fromAggregates.map((charge) => metricOf(charge)))];
    const [period, earlier] = await Promise.all([
      sources.usage.periodAggregates(organizationId, subscriptionId, periodStartsAt),
      used.some((metric) => metric.recurring)
        ? sources.usage.earlierAggregates(organizationId, subscriptionId, periodStartsAt)
        : Promise.resolve([]),
    ]);
    for (const metric of used) {
      const uniqueValues =
        metric.aggregationType === "unique_count_agg"
          ? await sources.usage.uniqueValues(
              organizationId,
              subscriptionId,
              metric.code,
              periodStartsAt,
              metric.recurring,
            )
          : [];
      aggregates.set(metric.code, {
        period: bucketsOf(period, metric.code),
        earlier: metric.recurring ? bucketsOf(earlier, metric.code) : [],
        uniqueValues: uniqueValues.map(({ bucket, state }) => ({ bucket, state })),
      });
    }
  }

  const onAggregates = (charge: Charge) => {
    const metricAggregates = aggregates.get(charge.billableMetricCode);
    return metricAggregates !== undefined && aggregatesCanPrice(charge, metricOf(charge), metricAggregates);
  };
  const fromEvents = plan.charges.filter(
    (charge) => !fromAggregates.includes(charge) || !onAggregates(charge),
  );
  const eventFees =
    fromEvents.length > 0
      ? priceCharges(
          { charges: fromEvents, amountCurrency: plan.amountCurrency },
          metrics,
          await sources.events.listForSubscription(organizationId, subscription.externalId),
          chargesWindow,
        )
      : [];
  return plan.charges.flatMap((charge) =>
    fromEvents.includes(charge)
      ? eventFees.filter((fee) => fee.charge.id === charge.id)
      : priceChargeFromAggregates(
          charge,
          metricOf(charge),
          aggregates.get(charge.billableMetricCode) as MetricAggregates,
          chargesWindow,
          plan.amountCurrency,
        ),
  );
}
