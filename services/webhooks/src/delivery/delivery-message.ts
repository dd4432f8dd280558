import { z } from "zod";

/**
 * The webhook deliveries queue's messages. `attempt`: make attempt `attempt` of series `series`
 * of one delivery (the body is read from the delivery, so a message stays small). `dead_letter`:
 * what the deliverer puts in the dead-letter queue after a series' last attempt; redriven to the
 * queue, it resends the delivery as `POST /webhooks/{lago_id}/retry` does.
 */
export const deliveryMessage = z.discriminatedUnion("kind", [
  z.object({
    kind: z.literal("attempt"),
    organizationId: z.string().min(1),
    deliveryId: z.string().min(1),
    series: z.number().int().min(0),
    attempt: z.number().int().min(1),
  }),
  z.object({
    kind: z.literal("dead_letter"),
    organizationId: z.string().min(1),
    deliveryId: z.string().min(1),
    series: z.number().int().min(0),
  }),
]);

export type DeliveryMessage = z.infer<typeof deliveryMessage>;
export type AttemptMessage = Extract<DeliveryMessage, { kind: "attempt" }>;

/** Puts delivery messages on the queue, each after its delay (seconds, 0 for none). */
export type DeliveryQueue = (
  messages: ReadonlyArray<{ message: DeliveryMessage; delaySeconds: number }>,
) => Promise<void>;

export const firstAttempt = (delivery: {
  organizationId: string;
  id: string;
  series: number;
}): AttemptMessage => ({
  kind: "attempt",
  organizationId: delivery.organizationId,
  deliveryId: delivery.id,
  series: delivery.series,
  attempt: 1,
});
