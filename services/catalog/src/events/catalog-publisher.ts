import { DOMAIN_EVENT_SOURCES } from "#shared/contracts/domain-events.js";
import { eventBridgeClient } from "#shared/platform/aws-clients.js";
import { type DomainEventPublisher, domainEventPublisher } from "#shared/platform/domain-event-publisher.js";
import { eventBus, resourceName } from "#shared/platform/resources.js";

/** The catalog's events (`customer.*`, `subscription.*`) on the bus, from the catalog's source. */
export function catalogEventPublisher(): DomainEventPublisher {
  return domainEventPublisher(eventBridgeClient(), resourceName(eventBus), DOMAIN_EVENT_SOURCES.catalog);
}
