import type { EventsMessage } from "#shared/contracts/events-message.js";
import type { BillableMetric } from "#shared/domain/catalog.js";
import { isWithinSubscription, subscriptionPeriodAt } from "#shared/domain/subscription-periods.js";
import type { UsageEvent } from "#shared/domain/usage-event.js";
import { EMPTY_TOTALS, foldEvent, type UsageTotals } from "#shared/domain/usage-totals.js";
import type { EventPlacement, EventStore, StoredEvent } from "#shared/store/event-store.js";
import type { UsageStore } from "#shared/store/usage-store.js";
import type { CatalogLookups } from "./subscription-context.js";

export interface StoreAndAggregateDeps {
  readonly events: EventStore;
  readonly usage: UsageStore;
  readonly catalog: CatalogLookups;
  /** Writes in flight at once per unit; bounded so one large unit cannot exhaust sockets. */
  readonly writeConcurrency?: number;
}

export interface UnitOutcome {
  readonly stored: number;
  readonly duplicates: number;
  readonly notAggregated: number;
  readonly deltasWritten: number;
}

/** One event per key within a unit: the first copy of a repeated transaction id wins. */
function firstOfEachKey(events: readonly UsageEvent[]): UsageEvent[] {
  const seen = new Set<string>();
  return events.filter((event) => {
    const key = JSON.stringify([event.externalSubscriptionId, event.transactionId]);
    if (seen.has(key)) return false;
    seen.add(key);
    return true;
  });
}

async function placementOf(
  organizationId: string,
  event: UsageEvent,
  catalog: CatalogLookups,
): Promise<{ placement: EventPlacement; metric?: BillableMetric }> {
  const context = await catalog.subscriptionContext(organizationId, event.externalSubscriptionId);
  if (!context) return { placement: { aggregated: false, reason: "subscription_not_found" } };
  const metric = await catalog.metric(organizationId, event.code);
  if (!metric) return { placement: { aggregated: false, reason: "metric_not_found" } };
  if (!isWithinSubscription(context.subscription, event.timestamp)) {
    return { placement: { aggregated: false, reason: "outside_subscription" } };
  }
  const period = subscriptionPeriodAt(context.subscription, context.plan, context.timezone, event.timestamp);
  return {
    placement: { aggregated: true, subscriptionId: context.subscription.id, periodStartsAt: period.startsAt },
    metric,
  };
}

async function inBatches<T, R>(
  items: readonly T[],
  size: number,
  work: (item: T) => Promise<R>,
): Promise<R[]> {
  const results: R[] = [];
  for (let i = 0; i < items.length; i += size) {
    results.push(...(await Promise.all(items.slice(i, i + size).map(work))));
  }
  return results;
}

/**
 * Stores a delivery unit's events once each and adds the unit's usage to the aggregates once.
 *
 * Exactly once, under redelivery and crashes: an event is stored with its unit id by a conditional
 * put, so a copy from any other unit is a duplicate; a retry of the same unit finds its own events
 * with the placement decided the first time. The unit's usage is then one delta item per
 * (subscription, period, metric) keyed by the unit id, put conditionally: recomputed identically
 * after a crash, and written at most once.
 */
export async function storeAndAggregate(
  unit: EventsMessage,
  deps: StoreAndAggregateDeps,
): Promise<UnitOutcome> {
  const concurrency = deps.writeConcurrency ?? 25;
  const events = firstOfEachKey(unit.events);
  const metrics = new Map<string, BillableMetric>();
  const outcomes = await inBatches(events, concurrency, async (event) => {
    const { placement, metric } = await placementOf(unit.organizationId, event, deps.catalog);
    if (metric) metrics.set(metric.code, metric);
    const stored: StoredEvent = {
      ...event,
      organizationId: unit.organizationId,
      unitId: unit.unitId,
      placement,
    };
    return deps.events.storeOnce(stored);
  });

  const deltas = new Map<
    string,
    { subscriptionId: string; periodStartsAt: string; code: string; totals: UsageTotals }
  >();
  let notAggregated = 0;
  for (const outcome of outcomes) {
    if (outcome.kind !== "stored") continue;
    const { event } = outcome;
    if (!event.placement.aggregated) {
      notAggregated++;
      continue;
    }
    const metric = metrics.get(event.code) ?? (await deps.catalog.metric(unit.organizationId, event.code));
    if (!metric) throw new Error(`billable metric ${event.code} disappeared while aggregating`);
    metrics.set(metric.code, metric);
    const { subscriptionId, periodStartsAt } = event.placement;
    const key = JSON.stringify([subscriptionId, periodStartsAt, event.code]);
    const delta = deltas.get(key) ?? {
      subscriptionId,
      periodStartsAt,
      code: event.code,
      totals: EMPTY_TOTALS,
    };
    deltas.set(key, { ...delta, totals: foldEvent(delta.totals, metric, event) });
  }

  const written = await inBatches([...deltas.values()], concurrency, (delta) =>
    deps.usage.addDelta(
      {
        organizationId: unit.organizationId,
        subscriptionId: delta.subscriptionId,
        periodStartsAt: delta.periodStartsAt,
      },
      delta.code,
      unit.unitId,
      delta.totals,
    ),
  );
  const stored = outcomes.filter((outcome) => outcome.kind === "stored").length;
  return {
    stored,
    duplicates: unit.events.length - stored,
    notAggregated,
    deltasWritten: written.filter(Boolean).length,
  };
}
