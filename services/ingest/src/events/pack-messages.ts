import { randomUUID } from "node:crypto";
import { type EventsMessage, eventTupleJson } from "#shared/contracts/events-message.js";
import type { UsageEvent } from "#shared/domain/usage-event.js";

/** SQS's message size limit (256 KiB), minus room for the envelope's own fields. */
export const MAX_MESSAGE_BYTES = 256 * 1024 - 1024;

/**
 * Packs events into as few queue messages as the size limit allows. Each message is a delivery
 * unit with its own id, chosen here once so every redelivery of it carries the same id. Each event
 * is serialized once, as a tuple, and the message assembled from those: what keeps the ingest path
 * cheap per event.
 */
export function packIntoMessages(
  organizationId: string,
  events: readonly UsageEvent[],
  newUnitId: () => string = randomUUID,
): string[] {
  const messages: string[] = [];
  let parts: string[] = [];
  let bytes = 0;
  let receivedAt = "";
  const flush = () => {
    if (parts.length === 0) return;
    const envelope = `{"unitId":${JSON.stringify(newUnitId())},"organizationId":${JSON.stringify(organizationId)},"receivedAt":${JSON.stringify(receivedAt)}`;
    messages.push(`${envelope},"events":[${parts.join(",")}]}`);
    parts = [];
    bytes = 0;
  };
  for (const event of events) {
    // A message carries one reception time: events received apart go in different messages.
    if (parts.length > 0 && event.receivedAt !== receivedAt) flush();
    receivedAt = event.receivedAt;
    const json = eventTupleJson(event);
    const size = Buffer.byteLength(json) + 1;
    if (bytes + size > MAX_MESSAGE_BYTES) flush();
    parts.push(json);
    bytes += size;
  }
  flush();
  return messages;
}

/** The message `packIntoMessages` writes, typed: what the consumer parses back. */
export type PackedMessage = EventsMessage;
