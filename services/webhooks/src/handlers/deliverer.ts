import { createQueueConsumer } from "#shared/platform/sqs/queue-consumer.js";
import { deliverWebhook } from "../delivery/deliver-webhook.js";
import { deliveryMessage } from "../delivery/delivery-message.js";
import { resendWebhook } from "../delivery/resend-webhook.js";
import { deliverDeps } from "./webhook-deps.js";

/**
 * The webhook deliveries queue's consumer: one HTTP attempt per message. A `dead_letter` message
 * is one of its own put back by a redrive: the delivery is resent, as by the retry route.
 */
export const handler = createQueueConsumer({
  service: "webhook-deliverer",
  message: deliveryMessage,
  handleMessage: async (message) => {
    const deps = deliverDeps();
    if (message.kind === "attempt") return deliverWebhook(deps, message);
    const delivery = await deps.deliveries.get(message.organizationId, message.deliveryId);
    if (!delivery) return;
    const failedSeries = delivery.status === "failed" && delivery.series === message.series;
    const resentSeries = delivery.status === "pending" && delivery.series === message.series + 1;
    if (failedSeries || resentSeries)
      await resendWebhook(deps, delivery, new Date(deps.clock()).toISOString());
  },
});
