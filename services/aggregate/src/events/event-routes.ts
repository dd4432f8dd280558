import type { EventObject } from "lago-javascript-client";
import { z } from "zod";
import type { ApiRequest } from "#shared/platform/http/api-handler.js";
import { invalid, notFound } from "#shared/platform/http/errors.js";
import { MAX_ID_LENGTH } from "#shared/platform/http/limits.js";
import { pageOf, paginate } from "#shared/platform/http/pagination.js";
import { type HttpResponse, json } from "#shared/platform/http/responses.js";
import { parseOrReject } from "#shared/platform/http/validation.js";
import { stringifyJson } from "#shared/platform/json/json-text.js";
import type { Corrected, LagoShape } from "#shared/serializers/lago-shape.js";
import type { CatalogStore } from "#shared/store/catalog-store.js";
import type { EventStore, StoredEvent } from "#shared/store/event-store.js";

export interface EventReadDeps {
  readonly events: EventStore;
  readonly catalog: CatalogStore;
}

const instant = z
  .string()
  .refine((value) => !Number.isNaN(Date.parse(value)), { message: "invalid_date" })
  .transform((value) => new Date(value).toISOString());

const eventFilters = z.object({
  external_subscription_id: z.string().min(1).max(MAX_ID_LENGTH, { message: "value_is_too_long" }).optional(),
  code: z.string().min(1).optional(),
  timestamp_from: instant.optional(),
  timestamp_to: instant.optional(),
  timestamp_from_started_at: z.enum(["true", "false"]).optional(),
});

/** Properties keep integers beyond 2^53 exact: they are written as the numbers they came as. */
const eventsAnswer = (body: unknown): HttpResponse => json(200, body, (value) => stringifyJson(value));

/**
 * The client types `properties` as Lago's own operation_type and anything else; they are the
 * event's properties exactly as sent, whatever they hold.
 */
type EventShape = Corrected<LagoShape<EventObject>, { properties: Readonly<Record<string, unknown>> }>;

/** The event as Lago's API shows it, with the customer and subscription it was counted for. */
export async function serializeEvents(
  events: readonly StoredEvent[],
  catalog: CatalogStore,
): Promise<EventShape[]> {
  const subscriptions = new Map<string, { id: string; customerId: string } | undefined>();
  for (const event of events) {
    const key = event.externalSubscriptionId;
    if (!subscriptions.has(key)) {
      const subscription = await catalog.getSubscription(event.organizationId, key);
      subscriptions.set(key, subscription && { id: subscription.id, customerId: subscription.customerId });
    }
  }
  return events.map((event) => {
    const placed = event.placement.aggregated ? event.placement.subscriptionId : null;
    const subscription = subscriptions.get(event.externalSubscriptionId);
    return {
      lago_id: event.lagoId,
      transaction_id: event.transactionId,
      lago_customer_id: placed && subscription?.id === placed ? subscription.customerId : null,
      code: event.code,
      timestamp: event.timestamp,
      properties: event.properties,
      lago_subscription_id: placed,
      external_subscription_id: event.externalSubscriptionId,
      precise_total_amount_cents: event.preciseTotalAmountCents,
      created_at: event.receivedAt,
    };
  });
}

/** Every event the organization received, newest reception first, each once (under the unit that stored it). */
async function organizationEvents(events: EventStore, organizationId: string): Promise<StoredEvent[]> {
  const all: StoredEvent[] = [];
  let after: string | undefined;
  do {
    const page = await events.receivedUnits(organizationId, { limit: 100, after });
    for (const unit of page.units) {
      const keys = Object.entries(unit.events).flatMap(([externalSubscriptionId, transactionIds]) =>
        transactionIds.map((transactionId) => ({ externalSubscriptionId, transactionId })),
      );
      const stored = await events.getMany(organizationId, keys);
      all.push(...stored.filter((event) => event.unitId === unit.unitId));
    }
    after = page.next;
  } while (after);
  return all;
}

/**
 * GET /events, newest first, filtered by external_subscription_id, code and timestamp range. With
 * an external subscription id it reads that subscription's events; without, the organization's
 * reception index and the events it names.
 */
export async function listEvents(request: ApiRequest, deps: EventReadDeps): Promise<HttpResponse> {
  const filters = parseOrReject(eventFilters, Object.fromEntries(request.query.entries()));
  const page = pageOf(request.query);
  const organizationId = request.organization.id;
  const externalSubscriptionId = filters.external_subscription_id;
  if (filters.timestamp_from_started_at === "true" && !externalSubscriptionId) {
    throw invalid("external_subscription_id", "value_is_mandatory");
  }
  const candidates = externalSubscriptionId
    ? await deps.events.listForSubscription(organizationId, externalSubscriptionId)
    : await organizationEvents(deps.events, organizationId);
  // Lago's timestamp_from_started_at: only events from the subscription's start on.
  const startedAt =
    filters.timestamp_from_started_at === "true" && externalSubscriptionId
      ? ((await deps.catalog.getSubscription(organizationId, externalSubscriptionId))?.startedAt ?? undefined)
      : undefined;
  const from = [filters.timestamp_from, startedAt]
    .filter((t): t is string => !!t)
    .sort()
    .at(-1);
  const matching = candidates
    .filter((event) => !filters.code || event.code === filters.code)
    .filter((event) => !from || event.timestamp >= from)
    .filter((event) => !filters.timestamp_to || event.timestamp <= filters.timestamp_to)
    // The transaction id breaks ties so that pages never repeat or skip an event.
    .sort(
      (a, b) =>
        b.timestamp.localeCompare(a.timestamp) ||
        b.receivedAt.localeCompare(a.receivedAt) ||
        b.transactionId.localeCompare(a.transactionId) ||
        b.externalSubscriptionId.localeCompare(a.externalSubscriptionId),
    );
  const { items, meta } = paginate(matching, page);
  return eventsAnswer({ events: await serializeEvents(items, deps.catalog), meta });
}

/**
 * GET /events/{transaction_id}. Transaction ids are unique per external subscription: with
 * `external_subscription_id` the event is read directly; without, the most recently received event
 * with that transaction id is found through the reception index.
 */
export async function getEvent(request: ApiRequest, deps: EventReadDeps): Promise<HttpResponse> {
  const organizationId = request.organization.id;
  const transactionId = request.params.transaction_id ?? "";
  const externalSubscriptionId = request.query.get("external_subscription_id");
  // No stored id is longer (nor could it be a key): nothing to look up.
  if ((externalSubscriptionId?.length ?? 0) > MAX_ID_LENGTH) throw notFound("event");
  let event: StoredEvent | undefined;
  if (externalSubscriptionId) {
    event = await deps.events.get(organizationId, externalSubscriptionId, transactionId);
  } else {
    let after: string | undefined;
    do {
      const page = await deps.events.receivedUnits(organizationId, { limit: 100, after });
      const unit = page.units.find((u) => Object.values(u.events).some((ids) => ids.includes(transactionId)));
      if (unit) {
        const owner = Object.entries(unit.events).find(([, ids]) => ids.includes(transactionId))?.[0] ?? "";
        event = await deps.events.get(organizationId, owner, transactionId);
      }
      after = event ? undefined : page.next;
    } while (after);
  }
  if (!event) throw notFound("event");
  const [serialized] = await serializeEvents([event], deps.catalog);
  return eventsAnswer({ event: serialized });
}
