import { z } from "zod";
import type { UsageEvent } from "../domain/usage-event.js";
import { stringifyJson } from "../platform/json/json-text.js";

/**
 * The message the ingest API puts on the events queue: a delivery unit of accepted events.
 * `unitId` is chosen once by the ingest side and survives every redelivery, which is what lets the
 * consumer recognise its own earlier, interrupted writes.
 *
 * Events travel as positional tuples, and what they share (the reception time) once per message,
 * their Lago ids derived from the unit id: the body is about half the size of plain objects, which
 * is less to write, escape, sign and bill.
 */
/** A JSON object, checked without copying it (a copy would drop a `__proto__` key, losing data). */
const jsonObject = z.custom<Record<string, unknown>>(
  (value) => value !== null && typeof value === "object" && !Array.isArray(value),
);

const eventTuple = z.tuple([
  z.string(), // transactionId
  z.string(), // externalSubscriptionId
  z.string(), // code
  z.string(), // timestamp
  jsonObject, // properties
  z.string().nullable(), // preciseTotalAmountCents
]);

/** What a tuple that does not parse still tells of its event, so it can be reported. */
export interface MalformedEvent {
  readonly lagoId: string;
  readonly transactionId: string | null;
  readonly externalSubscriptionId: string | null;
  readonly code: string | null;
}

const textAt = (tuple: unknown, index: number): string | null => {
  const value = Array.isArray(tuple) ? tuple[index] : undefined;
  return typeof value === "string" ? value : null;
};

/**
 * The envelope must parse, or the message is not ours; each event is parsed on its own, so that
 * one event that does not (which only a bug could produce) is reported, not the whole message lost.
 */
export const eventsMessage = z
  .object({
    unitId: z.string().min(1),
    organizationId: z.string().min(1),
    receivedAt: z.string().min(1),
    events: z.array(z.unknown()).min(1),
  })
  .transform(({ unitId, organizationId, receivedAt, events }) => {
    const parsed: UsageEvent[] = [];
    const malformed: MalformedEvent[] = [];
    events.forEach((raw, index) => {
      const lagoId = lagoIdOf(unitId, index);
      const tuple = eventTuple.safeParse(raw);
      if (!tuple.success) {
        malformed.push({
          lagoId,
          transactionId: textAt(raw, 0),
          externalSubscriptionId: textAt(raw, 1),
          code: textAt(raw, 2),
        });
        return;
      }
      const [transactionId, externalSubscriptionId, code, timestamp, properties, preciseTotalAmountCents] =
        tuple.data;
      parsed.push({
        lagoId,
        transactionId,
        externalSubscriptionId,
        code,
        timestamp,
        properties,
        preciseTotalAmountCents,
        receivedAt,
      });
    });
    return { unitId, organizationId, receivedAt, events: parsed, malformed };
  });

export type EventsMessage = z.output<typeof eventsMessage>;

/**
 * The Lago id of the `index`-th event of a delivery unit: the unit's random UUID with its last four
 * hex digits replaced by the index. Unique as long as unit ids differ in their other 108 random
 * bits, and never sent: both sides derive it.
 */
export function lagoIdOf(unitId: string, index: number): string {
  return `${unitId.slice(0, 32)}${index.toString(16).padStart(4, "0")}`;
}

/**
 * One event as it travels in a message (see `eventsMessage`); its Lago id is not sent.
 * `exactNumbers`: its properties may hold `LosslessNumber`s, written as the numbers they are (the
 * consumer parses messages with `parseJson`, which reads them back exactly).
 */
export function eventTupleJson(event: Omit<UsageEvent, "lagoId">, exactNumbers = false): string {
  return stringifyJson(
    [
      event.transactionId,
      event.externalSubscriptionId,
      event.code,
      event.timestamp,
      event.properties,
      event.preciseTotalAmountCents,
    ],
    exactNumbers,
  );
}
