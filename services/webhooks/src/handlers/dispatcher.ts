import { createQueueConsumer } from "#shared/platform/sqs/queue-consumer.js";
import { CatalogStore } from "#shared/store/catalog-store.js";
import { busEvent } from "../dispatch/bus-event.js";
import { type FanOutDeps, fanOutWebhook } from "../dispatch/fan-out-webhook.js";
import { WebhookStore } from "../store/webhook-store.js";
import { deliveryQueue } from "./webhook-deps.js";

let deps: FanOutDeps | undefined;
const dependencies = (): FanOutDeps => {
  if (deps) return deps;
  const catalog = new CatalogStore();
  deps = {
    endpoints: (organizationId) => catalog.listWebhookEndpoints(organizationId),
    deliveries: new WebhookStore(),
    enqueue: deliveryQueue,
  };
  return deps;
};

/** The webhook events queue's consumer: each domain event from the bus, to its endpoints' deliveries. */
export const handler = createQueueConsumer({
  service: "webhook-dispatcher",
  message: busEvent,
  handleMessage: async (event, record) => {
    // A delivery is made when the bus event first reached the queue, however often it is redelivered.
    const sentAt = new Date(Number(record.attributes.SentTimestamp)).toISOString();
    await fanOutWebhook(dependencies(), event, sentAt);
  },
});
