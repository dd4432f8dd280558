import { createHash } from "node:crypto";
import type { EventsMessage, MalformedEvent } from "#shared/contracts/events-message.js";
import type { PayInAdvanceEvents } from "#shared/contracts/invoicing-messages.js";
import type { BillableMetric } from "#shared/domain/catalog.js";
import { planGroupKeys } from "#shared/domain/charge-fees.js";
import { type EventFlawKind, eventFlaw, hourOf } from "#shared/domain/event-errors/events-errors-report.js";
import {
  type AggregateTotals,
  bucketKey,
  EMPTY_TOTALS,
  foldEvent,
  foldUniqueValues,
  usageBucket,
} from "#shared/domain/pre-aggregation/index.js";
import { isWithinSubscription, subscriptionPeriodAt } from "#shared/domain/subscription-periods.js";
import type { UsageEvent } from "#shared/domain/usage-event.js";
import { stringifyJson } from "#shared/platform/json/json-text.js";
import type {
  EventError,
  EventFlaw,
  EventPlacement,
  EventStore,
  NotAggregatedReason,
  StoredEvent,
  StoreOutcome,
} from "#shared/store/event-store.js";
import type { AggregateKey, UsageStore } from "#shared/store/usage-store.js";
import type { CatalogLookups } from "./subscription-context.js";

export interface StoreAndAggregateDeps {
  readonly events: EventStore;
  readonly usage: UsageStore;
  readonly catalog: CatalogLookups;
  /** Tells invoicing that a late event changed a closed period's usage (its draft is redone). */
  readonly reportLateUsage: (
    organizationId: string,
    subscriptionId: string,
    periodStartsAt: string,
  ) => Promise<void>;
  /**
   * Hands invoicing the stored events that a pay-in-advance charge of their subscription's plan
   * prices (Lago's instant charges), each group billed at once there. Absent: none handed over.
   */
  readonly handOverPayInAdvance?: (messages: readonly PayInAdvanceEvents[]) => Promise<void>;
  /** Writes in flight at once per unit; bounded so one large unit cannot exhaust sockets. */
  readonly writeConcurrency?: number;
  /** One delivery unit in this many folds the aggregates it touched (chosen by its id, so stably). */
  readonly foldEvery?: number;
}

export interface UnitOutcome {
  readonly stored: number;
  readonly duplicates: number;
  /** Events reported instead of stored: unreadable, or refused by DynamoDB. */
  readonly refused: number;
  readonly notAggregated: number;
  readonly deltasWritten: number;
  readonly folded: number;
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
): Promise<EventPlacement> {
  const current = await catalog.subscriptionContext(organizationId, event.externalSubscriptionId);
  if (!current) return { aggregated: false, reason: "subscription_not_found" };
  const metric = await catalog.metric(organizationId, event.code);
  if (!metric) return { aggregated: false, reason: "metric_not_found" };
  // An event dated before a plan change belongs to the subscription running then (its draft, if
  // still one, is refreshed with it), as Lago finds the subscription of an event by its timestamp.
  const context = isWithinSubscription(current.subscription, event.timestamp)
    ? current
    : await catalog.replacedSubscriptionContext(current, event.timestamp);
  if (!context) return { aggregated: false, reason: "outside_subscription" };
  const period = subscriptionPeriodAt(context.subscription, context.plan, context.timezone, event.timestamp);
  const bucket = usageBucket(metric, planGroupKeys(context.plan, metric.code), event);
  return {
    aggregated: true,
    subscriptionId: context.subscription.id,
    periodStartsAt: period.startsAt,
    periodEndsAt: period.endsAt,
    timezone: context.timezone,
    bucketKey: bucketKey(bucket),
    bucket,
  };
}

async function inBatches<T, R>(
  items: readonly T[],
  size: number,
  work: (item: T) => Promise<R>,
): Promise<R[]> {
  const results: R[] = [];
  for (let i = 0; i < items.length; i += size)
    results.push(...(await Promise.all(items.slice(i, i + size).map(work))));
  return results;
}

/** Whether this unit folds the aggregates it wrote: one unit in `every`, by a hash of its id. */
function foldsAfterWriting(unitId: string, every: number): boolean {
  return createHash("sha256").update(unitId).digest().readUInt32BE(0) % every === 0;
}

/** A delivery unit as the consumer gets it (`malformed`: events whose tuple did not parse). */
export type DeliveryUnitEvents = Pick<EventsMessage, "unitId" | "organizationId" | "events"> & {
  readonly receivedAt?: string;
  readonly malformed?: readonly MalformedEvent[];
};

/** What `events.errors` keeps of any event it reports. */
function reportedEvent(organizationId: string, event: UsageEvent) {
  return {
    organizationId,
    transactionId: event.transactionId,
    externalSubscriptionId: event.externalSubscriptionId,
    code: event.code,
    timestamp: event.timestamp,
    receivedAt: event.receivedAt,
  };
}

/** The error record of an event that is not billed, for `events.errors`. */
const errorOf = (organizationId: string, event: UsageEvent, reason: NotAggregatedReason): EventError => ({
  ...reportedEvent(organizationId, event),
  reason,
});

/** The record of an event billed with a flaw, for `events.errors`. */
const flawOf = (organizationId: string, event: UsageEvent, flaw: EventFlawKind): EventFlaw => ({
  ...reportedEvent(organizationId, event),
  flaw,
});

/**
 * DynamoDB refused the item itself (too large, an invalid value): retrying can never store it.
 * Throttling, timeouts and every other failure are transient, and fail the message for a retry.
 */
function isUnstorableItem(error: unknown): boolean {
  return error instanceof Error && error.name === "ValidationException";
}

/**
 * Stores one event once, placed. One event never fails its unit: an event whose placement cannot
 * be computed is stored unbilled (`invalid_event`); one DynamoDB refuses is reported with its
 * properties (`event_not_storable`) and the rest of the unit goes on.
 */
async function storeEvent(
  unit: DeliveryUnitEvents,
  event: UsageEvent,
  deps: StoreAndAggregateDeps,
): Promise<StoreOutcome | { readonly kind: "refused" }> {
  const { organizationId } = unit;
  let placement: EventPlacement;
  try {
    placement = await placementOf(organizationId, event, deps.catalog);
  } catch (error) {
    // Catalog reads fail transiently; the pure steps (periods, buckets) only on data of this event.
    if (error instanceof Error && "$metadata" in error) throw error;
    placement = { aggregated: false, reason: "invalid_event" };
  }
  try {
    return await deps.events.storeOnce({ ...event, organizationId, unitId: unit.unitId, placement });
  } catch (error) {
    if (!isUnstorableItem(error)) throw error;
    await deps.events.recordError({
      ...errorOf(organizationId, event, "event_not_storable"),
      propertiesJson: stringifyJson(event.properties),
    });
    return { kind: "refused" };
  }
}

interface Aggregate {
  readonly key: AggregateKey;
  readonly metric: BillableMetric;
  readonly timezone: string;
  readonly events: StoredEvent[];
}

/**
 * Stores a delivery unit's events once each and adds the unit's usage to the aggregates once.
 *
 * Exactly once, under redelivery and crashes: an event is stored with its unit id by a conditional
 * put, so a copy from any other unit is a duplicate, and a retry of the same unit finds its own
 * events with the placement decided the first time. The unit's usage is then one delta per
 * (subscription, period, metric, bucket) keyed by the unit id, put conditionally: recomputed
 * identically after a crash, and written at most once. The unit's record, written last, marks it
 * complete: folds take only complete units' deltas, and a complete unit's redelivery writes none,
 * so a folded (deleted) delta is never written again. Distinct values of unique counts are kept as
 * "last operation" states, whose writes are idempotent by nature.
 *
 * This relies on Lambda's SQS contract: a message is not redelivered while an invocation holding it
 * still runs (the queue's visibility timeout is six times the function's timeout).
 */
export async function storeAndAggregate(
  unit: DeliveryUnitEvents,
  deps: StoreAndAggregateDeps,
): Promise<UnitOutcome> {
  const concurrency = deps.writeConcurrency ?? 25;
  const { organizationId } = unit;
  const events = firstOfEachKey(unit.events);
  const receivedAt = events.reduce(
    (latest, event) => (event.receivedAt > latest ? event.receivedAt : latest),
    unit.receivedAt ?? "",
  );
  // Rewritten identically on a retry: error records are keyed by the event.
  await inBatches(unit.malformed ?? [], concurrency, (event) =>
    deps.events.recordError({
      organizationId,
      transactionId: event.transactionId ?? event.lagoId,
      externalSubscriptionId: event.externalSubscriptionId ?? "",
      code: event.code ?? "",
      timestamp: receivedAt,
      receivedAt,
      reason: "invalid_event",
    }),
  );
  const outcomes = await inBatches(events, concurrency, (event) => storeEvent(unit, event, deps));
  const owned = outcomes.flatMap((outcome) => (outcome.kind === "stored" ? [outcome.event] : []));

  const deliveryUnit = { unitId: unit.unitId, receivedAt };
  // A unit that completed before (its record exists) has all of its deltas written already, some
  // maybe folded away since: writing them again would count twice.
  const completedBefore = await deps.events.unitRecorded(organizationId, deliveryUnit);

  const rejected = owned.filter((event) => !event.placement.aggregated);
  // Unknown codes are reported by the hourly `events.errors`: their hours are noted first.
  await deps.events.noteErrorHours(
    organizationId,
    rejected
      .filter((event) => !event.placement.aggregated && event.placement.reason === "metric_not_found")
      .map((event) => hourOf(event.receivedAt)),
  );
  await inBatches(rejected, concurrency, (event) =>
    deps.events.recordError(
      errorOf(
        organizationId,
        event,
        event.placement.aggregated ? "outside_subscription" : event.placement.reason,
      ),
    ),
  );

  const aggregates = new Map<string, Aggregate>();
  const flawed: EventFlaw[] = [];
  for (const event of owned) {
    const { placement } = event;
    if (!placement.aggregated) continue;
    const metric = await deps.catalog.metric(organizationId, event.code);
    if (!metric) throw new Error(`billable metric ${event.code} disappeared while aggregating`);
    const flaw = eventFlaw(metric, event);
    if (flaw) flawed.push(flawOf(organizationId, event, flaw));
    const id = JSON.stringify([
      placement.subscriptionId,
      placement.periodStartsAt,
      event.code,
      placement.bucketKey,
    ]);
    const aggregate = aggregates.get(id) ?? {
      key: {
        organizationId,
        subscriptionId: placement.subscriptionId,
        periodStartsAt: placement.periodStartsAt,
        metricCode: event.code,
        bucketKey: placement.bucketKey,
        bucket: placement.bucket,
      },
      metric,
      timezone: placement.timezone,
      events: [],
    };
    aggregate.events.push(event);
    aggregates.set(id, aggregate);
  }

  // Billed all the same, as Lago bills them: the hourly `events.errors` names them.
  await deps.events.noteErrorHours(
    organizationId,
    flawed.map((flaw) => hourOf(flaw.receivedAt)),
  );
  await inBatches(flawed, concurrency, (flaw) => deps.events.recordFlaw(flaw));

  const written = completedBefore
    ? []
    : await inBatches([...aggregates.values()], concurrency, async (aggregate) => {
        const totals: AggregateTotals = aggregate.events.reduce(
          (sum, event) => foldEvent(sum, aggregate.metric, event, aggregate.timezone),
          EMPTY_TOTALS,
        );
        const added = await deps.usage.addDelta(aggregate.key, deliveryUnit, totals);
        if (aggregate.metric.aggregationType === "unique_count_agg") {
          const states = foldUniqueValues(aggregate.metric, aggregate.events);
          await inBatches([...states.values()], concurrency, (state) =>
            deps.usage.putUniqueValue(aggregate.key, state),
          );
        }
        return added;
      });

  // The unit's record lists its events (GET /events) and marks it complete: written last.
  const bySubscription: Record<string, string[]> = {};
  for (const event of owned) {
    const ids = bySubscription[event.externalSubscriptionId] ?? [];
    ids.push(event.transactionId);
    bySubscription[event.externalSubscriptionId] = ids;
  }
  await deps.events.recordUnit(organizationId, { ...deliveryUnit, events: bySubscription });

  let folded = 0;
  if (foldsAfterWriting(unit.unitId, deps.foldEvery ?? 20)) {
    const complete = (units: readonly { unitId: string; receivedAt: string }[]) =>
      deps.events.recordedUnits(organizationId, units);
    for (const aggregate of aggregates.values()) folded += await deps.usage.fold(aggregate.key, complete);
  }

  // A late event changes a period that may already have a draft invoice: that draft must be redone.
  const latePeriods = new Map<string, { subscriptionId: string; periodStartsAt: string }>();
  for (const event of owned) {
    const { placement } = event;
    if (placement.aggregated && placement.periodEndsAt <= event.receivedAt) {
      latePeriods.set(JSON.stringify([placement.subscriptionId, placement.periodStartsAt]), placement);
    }
  }
  for (const period of latePeriods.values()) {
    await deps.reportLateUsage(organizationId, period.subscriptionId, period.periodStartsAt);
  }

  if (deps.handOverPayInAdvance) {
    const messages = await payInAdvanceMessages(organizationId, owned, deps.catalog);
    if (messages.length > 0) await deps.handOverPayInAdvance(messages);
  }

  return {
    stored: owned.length,
    duplicates:
      outcomes.filter((outcome) => outcome.kind === "duplicate").length + unit.events.length - events.length,
    refused: outcomes.filter((outcome) => outcome.kind === "refused").length + (unit.malformed?.length ?? 0),
    notAggregated: rejected.length,
    deltasWritten: written.filter(Boolean).length,
    folded,
  };
}

/** Events handed to invoicing in one message at most: far below SQS's 256 KB for a unit's events. */
const ADVANCE_EVENTS_PER_MESSAGE = 100;

/**
 * The unit's stored events (this delivery's own, including those a retry finds it wrote before)
 * whose metric a pay-in-advance charge of the subscription's plan prices, one message per
 * (subscription, period), events in timestamp order. Events of a subscription since replaced on
 * another plan are left to the period's invoice, as Lago bills in advance only the plan of the
 * subscription the event is for.
 */
async function payInAdvanceMessages(
  organizationId: string,
  owned: readonly StoredEvent[],
  catalog: CatalogLookups,
): Promise<PayInAdvanceEvents[]> {
  const groups = new Map<string, PayInAdvanceEvents>();
  for (const event of owned) {
    const { placement } = event;
    if (!placement.aggregated) continue;
    const context = await catalog.subscriptionContext(organizationId, event.externalSubscriptionId);
    if (!context || context.subscription.id !== placement.subscriptionId) continue;
    const instant = context.plan.charges.some(
      (charge) => charge.payInAdvance && charge.billableMetricCode === event.code,
    );
    if (!instant) continue;
    const key = JSON.stringify([placement.subscriptionId, placement.periodStartsAt]);
    const group = groups.get(key) ?? {
      kind: "pay_in_advance_events" as const,
      organizationId,
      externalSubscriptionId: event.externalSubscriptionId,
      subscriptionId: placement.subscriptionId,
      periodStartsAt: placement.periodStartsAt,
      periodEndsAt: placement.periodEndsAt,
      events: [],
    };
    group.events.push({
      transactionId: event.transactionId,
      code: event.code,
      timestamp: event.timestamp,
      receivedAt: event.receivedAt,
      properties: { ...event.properties },
      preciseTotalAmountCents: event.preciseTotalAmountCents,
    });
    groups.set(key, group);
  }
  return [...groups.values()].flatMap((group) => {
    const events = [...group.events].sort((a, b) =>
      a.timestamp < b.timestamp ? -1 : a.timestamp > b.timestamp ? 1 : 0,
    );
    const chunks: PayInAdvanceEvents[] = [];
    for (let i = 0; i < events.length; i += ADVANCE_EVENTS_PER_MESSAGE)
      chunks.push({ ...group, events: events.slice(i, i + ADVANCE_EVENTS_PER_MESSAGE) });
    return chunks;
  });
}
