import type { EventObject } from "lago-javascript-client";
import type { UsageEvent } from "#shared/domain/usage-event.js";
import type { Corrected, LagoShape } from "#shared/serializers/lago-shape.js";
import { type EventInput, identifierText as text, timestampMillis } from "./event-input.js";

/**
 * Gives a validated event its values' canonical forms: ids as trimmed text, the
 * timestamp as an ISO instant (the reception time for a missing one), amounts as decimal strings.
 */
export function acceptEvent(input: EventInput, receivedAt: string): Omit<UsageEvent, "lagoId"> {
  const millis =
    input.timestamp === null || input.timestamp === undefined ? null : timestampMillis(input.timestamp);
  const precise = input.precise_total_amount_cents;
  return {
    transactionId: text(input.transaction_id),
    externalSubscriptionId: text(input.external_subscription_id),
    code: text(input.code),
    timestamp: millis === null ? receivedAt : new Date(millis).toISOString(),
    properties: input.properties ?? {},
    preciseTotalAmountCents: precise === null || precise === undefined ? null : String(precise),
    receivedAt,
  };
}

/** The event as Lago's API answers it. Customer and subscription ids are resolved asynchronously. */
/** Properties are the sender's own object, of any keys (the client's index signature is `any`). */
type AcceptedEventShape = Corrected<
  LagoShape<EventObject>,
  { properties: Readonly<Record<string, unknown>> }
>;

export function serializeAcceptedEvent(event: UsageEvent): AcceptedEventShape {
  return {
    lago_id: event.lagoId,
    transaction_id: event.transactionId,
    lago_customer_id: null,
    code: event.code,
    timestamp: event.timestamp,
    properties: event.properties,
    lago_subscription_id: null,
    external_subscription_id: event.externalSubscriptionId,
    precise_total_amount_cents: event.preciseTotalAmountCents,
    created_at: event.receivedAt,
  } satisfies AcceptedEventShape;
}
