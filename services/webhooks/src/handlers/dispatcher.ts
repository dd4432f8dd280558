import { createQueueConsumer } from "#shared/platform/sqs/queue-consumer.js";
import { CatalogStore } from "#shared/store/catalog-store.js";
import { busEvent } from "../dispatch/bus-event.js";
import { type FanOutDeps, fanOutWebhook } from "../dispatch/fan-out-webhook.js";
import { WebhookStore } from "../store/webhook-store.js";
import { deliveryQueue } from "./webhook-deps.js";

let stores: { catalog: CatalogStore; deliveries: WebhookStore } | undefined;

/**
 * One batch's dependencies: an organization's endpoints are read once for all of the batch's
 * events, and read afresh by the next batch, so an endpoint added since is never missed for long.
 */
function batchDependencies(): FanOutDeps {
  stores ??= { catalog: new CatalogStore(), deliveries: new WebhookStore() };
  const { catalog, deliveries } = stores;
  const endpointsOf = new Map<string, ReturnType<FanOutDeps["endpoints"]>>();
  return {
    endpoints: (organizationId) => {
      let endpoints = endpointsOf.get(organizationId);
      if (!endpoints) {
        endpoints = catalog.listWebhookEndpoints(organizationId);
        // A failed read is not kept: the next message of the batch reads again.
        endpoints.catch(() => endpointsOf.delete(organizationId));
        endpointsOf.set(organizationId, endpoints);
      }
      return endpoints;
    },
    deliveries,
    enqueue: deliveryQueue,
  };
}

/** The webhook events queue's consumer: each domain event from the bus, to its endpoints' deliveries. */
export const handler = createQueueConsumer({
  service: "webhook-dispatcher",
  message: busEvent,
  batch: batchDependencies,
  handleMessage: async (event, record, deps) => {
    // A delivery is made when the bus event first reached the queue, however often it is redelivered.
    const sentAt = new Date(Number(record.attributes.SentTimestamp)).toISOString();
    await fanOutWebhook(deps, event, sentAt);
  },
});
