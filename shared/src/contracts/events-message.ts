import { z } from "zod";

/**
 * The message the ingest API puts on the events queue: a delivery unit of accepted events.
 * `unitId` is chosen once by the ingest side and survives every redelivery, which is what lets the
 * consumer recognise its own earlier, interrupted writes.
 */
export const eventsMessage = z.object({
  unitId: z.string().min(1),
  organizationId: z.string().min(1),
  events: z
    .array(
      z.object({
        lagoId: z.string(),
        transactionId: z.string(),
        externalSubscriptionId: z.string(),
        code: z.string(),
        timestamp: z.string(),
        properties: z.record(z.string(), z.unknown()),
        preciseTotalAmountCents: z.string().nullable(),
        receivedAt: z.string(),
      }),
    )
    .min(1),
});

export type EventsMessage = z.output<typeof eventsMessage>;
