import type { EventBridgeClient } from "@aws-sdk/client-eventbridge";
import { DOMAIN_EVENT_SOURCES } from "#shared/contracts/domain-events.js";
import { type DomainEventPublisher, domainEventPublisher } from "#shared/platform/domain-event-publisher.js";

export type { DomainEventPublisher };

/** Source of every domain event invoicing publishes on the bus. */
export const INVOICING_SOURCE = DOMAIN_EVENT_SOURCES.invoicing;

/** Invoicing's events (`invoice.created`, `fee.created`, …) on the bus. */
export function eventBridgePublisher(client: EventBridgeClient, busName: string): DomainEventPublisher {
  return domainEventPublisher(client, busName, INVOICING_SOURCE);
}
