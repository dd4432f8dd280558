import type { UsageEvent } from "../usage-event.js";

/**
 * The one order every aggregation reads events in. Lago sorts by timestamp and, where it needs a
 * single "last" event (latest_agg), breaks ties by `created_at`: the event received last wins. We
 * do the same with `receivedAt`, then fall back to transaction id and Lago id so that the result
 * never depends on the order the events were handed in.
 */
export function compareEvents(a: UsageEvent, b: UsageEvent): number {
  return (
    instantMs(a.timestamp) - instantMs(b.timestamp) ||
    instantMs(a.receivedAt) - instantMs(b.receivedAt) ||
    compareText(a.transactionId, b.transactionId) ||
    compareText(a.lagoId, b.lagoId)
  );
}

export function sortEvents(events: readonly UsageEvent[]): UsageEvent[] {
  return [...events].sort(compareEvents);
}

/** Milliseconds since the epoch of an ISO 8601 instant; a malformed instant is a caller bug. */
export function instantMs(instant: string): number {
  const ms = Date.parse(instant);
  if (Number.isNaN(ms)) throw new RangeError(`invalid instant ${instant}`);
  return ms;
}

// Code-unit order, not locale order: the tie-break must not depend on the runtime's locale.
function compareText(a: string, b: string): number {
  if (a === b) return 0;
  return a < b ? -1 : 1;
}
