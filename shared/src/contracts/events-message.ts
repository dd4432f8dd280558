import { z } from "zod";
import type { UsageEvent } from "../domain/usage-event.js";

/**
 * The message the ingest API puts on the events queue: a delivery unit of accepted events.
 * `unitId` is chosen once by the ingest side and survives every redelivery, which is what lets the
 * consumer recognise its own earlier, interrupted writes.
 *
 * Events travel as positional tuples, and what they share (the reception time) once per message:
 * the body is about half the size of plain objects, which is less to write, escape and bill.
 */
const eventTuple = z.tuple([
  z.string(), // lagoId
  z.string(), // transactionId
  z.string(), // externalSubscriptionId
  z.string(), // code
  z.string(), // timestamp
  z.record(z.string(), z.unknown()), // properties
  z.string().nullable(), // preciseTotalAmountCents
]);

export const eventsMessage = z
  .object({
    unitId: z.string().min(1),
    organizationId: z.string().min(1),
    receivedAt: z.string().min(1),
    events: z.array(eventTuple).min(1),
  })
  .transform(({ unitId, organizationId, receivedAt, events }) => ({
    unitId,
    organizationId,
    events: events.map(
      ([
        lagoId,
        transactionId,
        externalSubscriptionId,
        code,
        timestamp,
        properties,
        preciseTotalAmountCents,
      ]): UsageEvent => ({
        lagoId,
        transactionId,
        externalSubscriptionId,
        code,
        timestamp,
        properties,
        preciseTotalAmountCents,
        receivedAt,
      }),
    ),
  }));

export type EventsMessage = z.output<typeof eventsMessage>;

/** One event as it travels in a message (see `eventsMessage`). */
export function eventTupleJson(event: UsageEvent): string {
  return JSON.stringify([
    event.lagoId,
    event.transactionId,
    event.externalSubscriptionId,
    event.code,
    event.timestamp,
    event.properties,
    event.preciseTotalAmountCents,
  ]);
}
