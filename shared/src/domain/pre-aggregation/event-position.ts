import { compareEvents } from "../aggregation/event-order.js";
import type { UsageEvent } from "../usage-event.js";
import type { EventPosition } from "./types.js";

export function eventPosition(event: UsageEvent): EventPosition {
  return {
    timestamp: event.timestamp,
    receivedAt: event.receivedAt,
    transactionId: event.transactionId,
    lagoId: event.lagoId,
  };
}

/**
 * Orders positions exactly as the reference orders events: the comparison is delegated to
 * `compareEvents` (which reads only these four fields) so the two can never drift apart.
 */
export function comparePositions(a: EventPosition, b: EventPosition): number {
  return compareEvents(asEvent(a), asEvent(b));
}

function asEvent(position: EventPosition): UsageEvent {
  return {
    timestamp: position.timestamp,
    receivedAt: position.receivedAt,
    transactionId: position.transactionId,
    lagoId: position.lagoId,
    externalSubscriptionId: "",
    code: "",
    properties: {},
    preciseTotalAmountCents: null,
  };
}
