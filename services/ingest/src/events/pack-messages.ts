import { randomUUID } from "node:crypto";
import type { EventsMessage } from "#shared/contracts/events-message.js";
import type { UsageEvent } from "#shared/domain/usage-event.js";

/** SQS's message size limit (256 KiB), minus room for the envelope's own fields. */
export const MAX_MESSAGE_BYTES = 256 * 1024 - 1024;

/**
 * Packs events into as few queue messages as the size limit allows. Each message is a delivery
 * unit with its own id, chosen here once so every redelivery of it carries the same id.
 */
export function packIntoMessages(
  organizationId: string,
  events: readonly UsageEvent[],
  newUnitId: () => string = randomUUID,
): string[] {
  const messages: string[] = [];
  let current: UsageEvent[] = [];
  let currentBytes = 0;
  const flush = () => {
    if (current.length === 0) return;
    const message: EventsMessage = { unitId: newUnitId(), organizationId, events: current };
    messages.push(JSON.stringify(message));
    current = [];
    currentBytes = 0;
  };
  for (const event of events) {
    const bytes = Buffer.byteLength(JSON.stringify(event)) + 1;
    if (currentBytes + bytes > MAX_MESSAGE_BYTES) flush();
    current.push(event);
    currentBytes += bytes;
  }
  flush();
  return messages;
}
