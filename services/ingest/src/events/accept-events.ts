import { randomUUID } from "node:crypto";
import type { UsageEvent } from "#shared/domain/usage-event.js";
import type { EventInput } from "./event-input.js";

/** Gives each validated event its id and timestamp; the reception time stands in for a missing one. */
export function acceptEvent(input: EventInput, receivedAt: string): UsageEvent {
  return {
    lagoId: randomUUID(),
    transactionId: input.transaction_id,
    externalSubscriptionId: input.external_subscription_id,
    code: input.code,
    timestamp: input.timestamp ?? receivedAt,
    properties: input.properties ?? {},
    preciseTotalAmountCents: input.precise_total_amount_cents ?? null,
    receivedAt,
  };
}

/** The event as Lago's API answers it. Customer and subscription ids are resolved asynchronously. */
export function serializeAcceptedEvent(event: UsageEvent) {
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
  };
}
