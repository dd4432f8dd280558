import type { WebhookEndpoint } from "#shared/domain/catalog.js";
import { isSubscribed } from "#shared/domain/webhooks/subscription.js";
import { stableUuid } from "#shared/platform/ids.js";
import { type DeliveryQueue, firstAttempt } from "../delivery/delivery-message.js";
import type { WebhookDelivery, WebhookStore } from "../store/webhook-store.js";
import type { BusEvent } from "./bus-event.js";

export interface FanOutDeps {
  /** The organization's webhook endpoints, read from the catalog (never written). */
  readonly endpoints: (organizationId: string) => Promise<readonly WebhookEndpoint[]>;
  readonly deliveries: WebhookStore;
  readonly enqueue: DeliveryQueue;
}

/** A delivery made but whose first attempt may never have been queued (a crash in between). */
const awaitsFirstAttempt = (delivery: WebhookDelivery) =>
  delivery.status === "pending" &&
  delivery.series === 0 &&
  delivery.nextAttempt === 1 &&
  delivery.attempts.length === 0 &&
  delivery.leaseToken === undefined;

/**
 * One domain event to every endpoint of its organization subscribed to its type: its body stored
 * once (the first stored stays), and one delivery per endpoint, its id derived from (unique key, endpoint), written by a conditional put, so an event
 * delivered or published twice makes no second delivery. Each delivery is written pending before
 * its first attempt is queued; a delivery found still pending (the earlier run died before
 * queueing it) is queued again, and a second message for one attempt is dropped by the deliverer's
 * claim. Returns how many deliveries were made and how many attempts queued.
 */
export async function fanOutWebhook(
  deps: FanOutDeps,
  event: BusEvent,
  now: string,
): Promise<{ created: number; enqueued: number }> {
  const { unique_key: uniqueKey, ...envelope } = event.detail;
  // A producer that gave no unique key: the bus event's id, the same for every copy of it.
  const key = uniqueKey ?? event.id;
  const body = JSON.stringify(envelope);
  const endpoints = (await deps.endpoints(envelope.organization_id)).filter((endpoint) =>
    isSubscribed(endpoint, envelope.webhook_type),
  );
  if (endpoints.length > 0) await deps.deliveries.saveBody(envelope.organization_id, key, body, now);
  let created = 0;
  const toQueue: WebhookDelivery[] = [];
  for (const endpoint of endpoints) {
    const delivery: WebhookDelivery = {
      id: stableUuid("webhook", key, endpoint.id),
      organizationId: envelope.organization_id,
      endpointId: endpoint.id,
      endpointUrl: endpoint.webhookUrl,
      webhookType: envelope.webhook_type,
      objectType: envelope.object_type,
      uniqueKey: key,
      status: "pending",
      series: 0,
      nextAttempt: 1,
      attempts: [],
      httpStatus: null,
      deadLettered: false,
      createdAt: now,
      updatedAt: now,
      lastRetriedAt: null,
    };
    if (await deps.deliveries.create(delivery)) {
      created++;
      toQueue.push(delivery);
      continue;
    }
    const existing = await deps.deliveries.get(delivery.organizationId, delivery.id);
    if (existing && awaitsFirstAttempt(existing)) toQueue.push(existing);
  }
  if (toQueue.length > 0)
    await deps.enqueue(toQueue.map((delivery) => ({ message: firstAttempt(delivery), delaySeconds: 0 })));
  return { created, enqueued: toQueue.length };
}
