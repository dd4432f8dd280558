import type { ChargesWindow } from "../domain/aggregation/index.js";
import type { BillableMetric, Charge, Plan, Subscription } from "../domain/catalog.js";
import { type ChargeFee, priceCharges } from "../domain/charge-fees.js";
import {
  aggregatesCanPrice,
  type BucketTotals,
  type CarriedUsage,
  type MetricAggregates,
  priceChargeFromAggregates,
  withCarriedUsage,
} from "../domain/charge-fees-from-aggregates.js";
import { needsRawEvents } from "../domain/pre-aggregation/index.js";
import type { BillingWindow } from "../domain/subscription-periods.js";
import { predecessorIds, usageChainStart } from "../domain/subscriptions/predecessors.js";
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
 * What the subscription's predecessors (the ones it replaced on plan changes, see
 * `predecessorIds`) leave to it of each recurring metric: every aggregate and unique-value state
 * of theirs in a period starting before the window's period ends. Read only when a recurring
 * metric is priced and the subscription replaced one: one history query, then per predecessor one
 * aggregates query and one per unique-count metric.
 */
async function carriedUsage(
  sources: UsageSources,
  subscription: Subscription,
  metrics: readonly BillableMetric[],
  window: BillingWindow,
): Promise<Map<string, CarriedUsage[]>> {
  const carried = new Map<string, CarriedUsage[]>();
  const recurring = metrics.filter((metric) => metric.recurring);
  if (recurring.length === 0 || !subscription.previousSubscriptionId) return carried;
  const { organizationId } = subscription;
  const before = window.period.endsAt;
  const history = await sources.catalog.subscriptionHistory(organizationId, subscription.externalId);
  for (const predecessorId of predecessorIds(subscription, history)) {
    const reads = await sources.usage.earlierAggregates(organizationId, predecessorId, before);
    for (const metric of recurring) {
      const uniqueValues =
        metric.aggregationType === "unique_count_agg"
          ? await sources.usage.earlierUniqueValues(organizationId, predecessorId, metric.code, before)
          : [];
      carried.set(metric.code, [
        ...(carried.get(metric.code) ?? []),
        {
          totals: bucketsOf(reads, metric.code),
          uniqueValues: uniqueValues.map(({ bucket, state }) => ({ bucket, state })),
        },
      ]);
    }
  }
  return carried;
}

/**
 * The stored events of the subscription's external id that are its own: for a recurring metric
 * (counted from before the window), only those since its chain of plan changes started, as its
 * pre-aggregated usage counts them; an earlier subscription that merely held the same id is not its.
 */
async function subscriptionEvents(
  sources: UsageSources,
  subscription: Subscription,
  metrics: readonly BillableMetric[],
) {
  const { organizationId, externalId } = subscription;
  const events = await sources.events.listForSubscription(organizationId, externalId);
  if (!metrics.some((metric) => metric.recurring)) return events;
  const history = subscription.previousSubscriptionId
    ? await sources.catalog.subscriptionHistory(organizationId, externalId)
    : [];
  const start = usageChainStart(subscription, history);
  if (start === null) return events;
  const from = Date.parse(start);
  return events.filter((event) => Date.parse(event.timestamp) >= from);
}

/**
 * A subscription's charges priced over a billing window. A whole period is priced from its
 * pre-aggregated usage: one query for the period, one for earlier periods when a recurring metric
 * carries over (and those of the subscriptions it replaced on plan changes), one per unique-count
 * metric — whatever the number of events. A window cut short (a termination) and the few charges
 * whose price needs each event (see `needsRawEvents`) are priced from the stored raw events
 * instead, by the reference engine.
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
    const carried = await carriedUsage(sources, subscription, used, window);
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
      const own: MetricAggregates = {
        period: bucketsOf(period, metric.code),
        earlier: metric.recurring ? bucketsOf(earlier, metric.code) : [],
        uniqueValues: uniqueValues.map(({ bucket, state }) => ({ bucket, state })),
      };
      aggregates.set(
        metric.code,
        withCarriedUsage(metric, own, carried.get(metric.code) ?? [], chargesWindow),
      );
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
          await subscriptionEvents(sources, subscription, fromEvents.map(metricOf)),
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
