import type { WebhookDelivery, WebhookStore } from "../store/webhook-store.js";
import { type DeliveryQueue, firstAttempt } from "./delivery-message.js";

export interface ResendDeps {
  readonly deliveries: WebhookStore;
  readonly enqueue: DeliveryQueue;
}

/**
 * Starts a new series of a failed delivery (same body, same unique key) and queues its first
 * attempt. A delivery already resent but whose first attempt may not have been queued (the
 * resend died in between) is queued again; undefined when it is neither failed nor so.
 */
export async function resendWebhook(
  deps: ResendDeps,
  delivery: WebhookDelivery,
  now: string,
): Promise<WebhookDelivery | undefined> {
  let resent: WebhookDelivery | undefined = delivery;
  if (delivery.status === "failed") resent = await deps.deliveries.resend(delivery, now);
  else if (!(delivery.status === "pending" && delivery.attempts.every((a) => a.series < delivery.series)))
    return undefined;
  if (!resent || resent.leaseToken) return undefined;
  await deps.enqueue([{ message: firstAttempt(resent), delaySeconds: 0 }]);
  return resent;
}
