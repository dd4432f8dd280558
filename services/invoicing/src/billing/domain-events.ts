import { type EventBridgeClient, PutEventsCommand } from "@aws-sdk/client-eventbridge";

/** Source of every domain event invoicing publishes on the bus. */
export const INVOICING_SOURCE = "serverless-billing.invoicing";

/** `uniqueKey`: the same for every publication of one event, so its consumers can drop repeats. */
export type DomainEventPublisher = (
  type: string,
  organizationId: string,
  payload: Record<string, unknown>,
  uniqueKey?: string,
) => Promise<void>;

/**
 * Publishes a domain event (`invoice.created`, …) on the EventBridge bus, where webhooks and other
 * consumers subscribe. Delivery is at least once; `unique_key` lets consumers drop repeats.
 */
export function eventBridgePublisher(client: EventBridgeClient, busName: string): DomainEventPublisher {
  return async (type, organizationId, payload, uniqueKey) => {
    const result = await client.send(
      new PutEventsCommand({
        Entries: [
          {
            EventBusName: busName,
            Source: INVOICING_SOURCE,
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
