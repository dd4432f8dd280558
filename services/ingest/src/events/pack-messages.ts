import { randomUUID } from "node:crypto";
import { type EventsMessage, lagoIdOf } from "#shared/contracts/events-message.js";
import type { UsageEvent } from "#shared/domain/usage-event.js";
import type { EncodedEvent } from "./encode-event.js";

/** SQS's message size limit (256 KiB), minus room for the envelope's own fields. */
export const MAX_MESSAGE_BYTES = 256 * 1024 - 1024;

/** Messages for the queue, and the events with the Lago ids their messages give them. */
export interface PackedEvents {
  readonly messages: string[];
  readonly events: UsageEvent[];
}

/**
 * Packs events into as few queue messages as the size limit allows. Each message is a delivery
 * unit with its own id, chosen here once so every redelivery of it carries the same id; an event's
 * Lago id follows from its unit and place in it. Each event was serialized once, as a tuple, and the
 * message is assembled from those: what keeps the ingest path cheap per event. Every event fits a
 * message on its own (MAX_EVENT_BYTES is below MAX_MESSAGE_BYTES).
 */
export function packIntoMessages(
  organizationId: string,
  accepted: readonly EncodedEvent[],
  newUnitId: () => string = randomUUID,
): PackedEvents {
  const messages: string[] = [];
  const events: UsageEvent[] = [];
  let pending: Array<Omit<UsageEvent, "lagoId">> = [];
  let parts: string[] = [];
  let bytes = 0;
  const flush = () => {
    if (parts.length === 0) return;
    const unitId = newUnitId();
    const receivedAt = pending[0]?.receivedAt ?? "";
    const envelope = `{"unitId":${JSON.stringify(unitId)},"organizationId":${JSON.stringify(organizationId)},"receivedAt":${JSON.stringify(receivedAt)}`;
    messages.push(`${envelope},"events":[${parts.join(",")}]}`);
    // Built field by field: an object spread here costs more than the rest of the packing.
    pending.forEach((event, index) => {
      events.push({
        lagoId: lagoIdOf(unitId, index),
        transactionId: event.transactionId,
        externalSubscriptionId: event.externalSubscriptionId,
        code: event.code,
        timestamp: event.timestamp,
        properties: event.properties,
        preciseTotalAmountCents: event.preciseTotalAmountCents,
        receivedAt: event.receivedAt,
      });
    });
    pending = [];
    parts = [];
    bytes = 0;
  };
  for (const { event, json } of accepted) {
    // A message carries one reception time: events received apart go in different messages.
    if (
      parts.length > 0 &&
      (event.receivedAt !== pending[0]?.receivedAt || parts.length >= MAX_EVENTS_PER_MESSAGE)
    ) {
      flush();
    }
    const size = Buffer.byteLength(json) + 1;
    if (bytes + size > MAX_MESSAGE_BYTES) flush();
    pending.push(event);
    parts.push(json);
    bytes += size;
  }
  flush();
  return { messages, events };
}

/** Events per message at most: their Lago ids number them in four hex digits. */
export const MAX_EVENTS_PER_MESSAGE = 0x10000;

/** The message `packIntoMessages` writes, typed: what the consumer parses back. */
export type PackedMessage = EventsMessage;
