import { eventTupleJson } from "#shared/contracts/events-message.js";
import type { UsageEvent } from "#shared/domain/usage-event.js";
import { MAX_EVENT_BYTES } from "#shared/platform/http/limits.js";

/** An accepted event with the JSON it travels as, written once. */
export interface EncodedEvent {
  readonly event: Omit<UsageEvent, "lagoId">;
  readonly json: string;
}

/** `exactNumbers`: the event's properties may hold integers beyond 2^53, written as they came. */
export function encodeEvent(event: Omit<UsageEvent, "lagoId">, exactNumbers: boolean): EncodedEvent {
  return { event, json: eventTupleJson(event, exactNumbers) };
}

/**
 * Whether the event is over MAX_EVENT_BYTES. A UTF-16 unit is at most 3 UTF-8 bytes, so only
 * long events need their bytes counted.
 */
export function eventTooLarge({ json }: EncodedEvent): boolean {
  return json.length * 3 > MAX_EVENT_BYTES && Buffer.byteLength(json, "utf8") > MAX_EVENT_BYTES;
}
