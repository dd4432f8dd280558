import { type EventBridgeClient, PutEventsCommand } from "@aws-sdk/client-eventbridge";
import type { DomainEventSource } from "../contracts/domain-events.js";

/**
 * Publishes one domain event. `payload` is the webhook body but its envelope (`object_type` and the
 * object); `uniqueKey` is the same for every publication of one event, so consumers drop repeats.
 */
export type DomainEventPublisher = (
  type: string,
  organizationId: string,
  payload: Record<string, unknown>,
  uniqueKey?: string,
) => Promise<void>;

/**
 * Publishes domain events (`invoice.created`, `customer.updated`, …) from `source` on the
 * EventBridge bus, where the webhooks service and other consumers subscribe. Delivery is at least
 * once; `unique_key` lets consumers drop repeats.
 */
export function domainEventPublisher(
  client: EventBridgeClient,
  busName: string,
  source: DomainEventSource,
): DomainEventPublisher {
  return async (type, organizationId, payload, uniqueKey) => {
    const result = await client.send(
      new PutEventsCommand({
        Entries: [
          {
            EventBusName: busName,
            Source: source,
            DetailType: type,
            Detail: JSON.stringify({
              webhook_type: type,
              organization_id: organizationId,
              ...payload,
              ...(uniqueKey ? { unique_key: uniqueKey } : {}),
            }),
          },
        ],
      }),
    );
    if ((result.FailedEntryCount ?? 0) > 0) {
      throw new Error(`EventBridge refused ${type}: ${result.Entries?.[0]?.ErrorMessage}`);
    }
  };
}
