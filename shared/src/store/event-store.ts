import type { AttributeValue } from "@aws-sdk/client-dynamodb";
import { type DynamoDBDocumentClient, GetCommand, PutCommand } from "@aws-sdk/lib-dynamodb";
import { unmarshall } from "@aws-sdk/util-dynamodb";
import type { UsageEvent } from "../domain/usage-event.js";
import { documentClient } from "../platform/aws-clients.js";
import { eventsTable, resourceName } from "../platform/resources.js";
import { isConditionFailure } from "./errors.js";
import { joinKey, keyPart, withoutStorageAttributes } from "./keys.js";
import { queryAll } from "./query.js";

/** Where a stored event's usage went, decided once when the event is first stored. */
export type EventPlacement =
  | { readonly aggregated: true; readonly subscriptionId: string; readonly periodStartsAt: string }
  | {
      readonly aggregated: false;
      readonly reason: "subscription_not_found" | "metric_not_found" | "outside_subscription";
    };

export interface StoredEvent extends UsageEvent {
  readonly organizationId: string;
  /** The delivery unit that stored it first; only that unit may count it. */
  readonly unitId: string;
  readonly placement: EventPlacement;
}

/** Outcome of storing one event: ours (new, or stored by this same unit before) or a duplicate. */
export type StoreOutcome =
  | { readonly kind: "stored"; readonly event: StoredEvent }
  | { readonly kind: "duplicate" };

/**
 * Raw events, one item per (organization, external_subscription_id, transaction_id): the key is
 * the idempotency key, so a second copy of an event can never be stored.
 */
export class EventStore {
  constructor(
    private readonly client: DynamoDBDocumentClient = documentClient(),
    private readonly table: string = resourceName(eventsTable),
  ) {}

  private key(organizationId: string, externalSubscriptionId: string, transactionId: string) {
    return { pk: joinKey(organizationId, externalSubscriptionId), sk: keyPart(transactionId) };
  }

  /**
   * Stores an event unless one with its key exists. If one exists and the same delivery unit wrote
   * it (an earlier, interrupted attempt), that stored copy is returned as ours, with the placement
   * decided then, so a retry counts exactly what the first attempt would have.
   */
  async storeOnce(event: StoredEvent): Promise<StoreOutcome> {
    try {
      await this.client.send(
        new PutCommand({
          TableName: this.table,
          Item: {
            ...event,
            ...this.key(event.organizationId, event.externalSubscriptionId, event.transactionId),
          },
          ConditionExpression: "attribute_not_exists(pk)",
          ReturnValuesOnConditionCheckFailure: "ALL_OLD",
        }),
      );
      return { kind: "stored", event };
    } catch (error) {
      if (!isConditionFailure(error)) throw error;
      // The document client does not convert an exception's item: it is still in wire format.
      const raw = (error as Error & { Item?: Record<string, AttributeValue> }).Item;
      const existing = raw ? unmarshall(raw) : undefined;
      if (existing?.unitId === event.unitId) {
        return { kind: "stored", event: withoutStorageAttributes<StoredEvent>(existing) };
      }
      return { kind: "duplicate" };
    }
  }

  async get(
    organizationId: string,
    externalSubscriptionId: string,
    transactionId: string,
  ): Promise<StoredEvent | undefined> {
    const { Item } = await this.client.send(
      new GetCommand({
        TableName: this.table,
        Key: this.key(organizationId, externalSubscriptionId, transactionId),
      }),
    );
    return Item ? withoutStorageAttributes<StoredEvent>(Item) : undefined;
  }

  /** Every stored event of one external subscription (tests and audits recompute usage from these). */
  async listForSubscription(organizationId: string, externalSubscriptionId: string): Promise<StoredEvent[]> {
    const items = await queryAll(this.client, {
      TableName: this.table,
      KeyConditionExpression: "pk = :pk",
      ExpressionAttributeValues: { ":pk": joinKey(organizationId, externalSubscriptionId) },
    });
    return items.map((item) => withoutStorageAttributes<StoredEvent>(item));
  }
}
