import { z } from "zod";
import type { UsageEvent } from "../domain/usage-event.js";

/**
 * The message the ingest API puts on the events queue: a delivery unit of accepted events.
 * `unitId` is chosen once by the ingest side and survives every redelivery, which is what lets the
 * consumer recognise its own earlier, interrupted writes.
 *
 * Events travel as positional tuples, and what they share (the reception time) once per message,
 * their Lago ids derived from the unit id: the body is about half the size of plain objects, which
 * is less to write, escape, sign and bill.
 */
const eventTuple = z.tuple([
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
      (
        [transactionId, externalSubscriptionId, code, timestamp, properties, preciseTotalAmountCents],
        index,
      ): UsageEvent => ({
        lagoId: lagoIdOf(unitId, index),
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

/**
 * The Lago id of the `index`-th event of a delivery unit: the unit's random UUID with its last four
 * hex digits replaced by the index. Unique as long as unit ids differ in their other 108 random
 * bits, and never sent: both sides derive it.
 */
export function lagoIdOf(unitId: string, index: number): string {
  return `${unitId.slice(0, 32)}${index.toString(16).padStart(4, "0")}`;
}

/** One event as it travels in a message (see `eventsMessage`); its Lago id is not sent. */
export function eventTupleJson(event: Omit<UsageEvent, "lagoId">): string {
  return JSON.stringify([
    event.transactionId,
    event.externalSubscriptionId,
    event.code,
    event.timestamp,
    event.properties,
    event.preciseTotalAmountCents,
  ]);
}
