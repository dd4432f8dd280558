import { createHash } from "node:crypto";
import type { AttributeValue } from "@aws-sdk/client-dynamodb";
import {
  BatchGetCommand,
  type DynamoDBDocumentClient,
  GetCommand,
  PutCommand,
  QueryCommand,
  UpdateCommand,
} from "@aws-sdk/lib-dynamodb";
import { unmarshall } from "@aws-sdk/util-dynamodb";
import type { EventFlawKind } from "../domain/event-errors/events-errors-report.js";
import type { UsageBucket } from "../domain/pre-aggregation/types.js";
import type { UsageEvent } from "../domain/usage-event.js";
import { documentClient } from "../platform/aws-clients.js";
import { parseJson, stringifyJson } from "../platform/json/json-text.js";
import { eventsTable, resourceName } from "../platform/resources.js";
import { isConditionFailure } from "./errors.js";
import { joinKey, keyPart, withoutStorageAttributes } from "./keys.js";
import { queryAll } from "./query.js";

/**
 * Why an event is not billed: no such subscription or metric, a timestamp outside the subscription,
 * an event the consumer could not read (`invalid_event`, which only a bug can produce) or one
 * DynamoDB refused to store (`event_not_storable`; its error record keeps its properties).
 */
export type NotAggregatedReason =
  | "subscription_not_found"
  | "metric_not_found"
  | "outside_subscription"
  | "invalid_event"
  | "event_not_storable";

/** Where a stored event's usage went, decided once when the event is first stored. */
export type EventPlacement =
  | {
      readonly aggregated: true;
      readonly subscriptionId: string;
      readonly periodStartsAt: string;
      readonly periodEndsAt: string;
      /** The zone the period was computed in (day numbers of prorated sums follow it). */
      readonly timezone: string;
      /** The event's usage bucket (metric filter and pricing group values), and its canonical key. */
      readonly bucket: UsageBucket;
      readonly bucketKey: string;
    }
  | { readonly aggregated: false; readonly reason: NotAggregatedReason };

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
 * Partitions per external subscription. An event's partition follows from its transaction id, so
 * its key stays a function of (organization, external_subscription_id, transaction_id) while one
 * very busy subscription's writes spread over several partition keys.
 */
export const EVENT_PARTITIONS = 8;

function partitionOf(transactionId: string): number {
  return createHash("sha256").update(transactionId).digest().readUInt32BE(0) % EVENT_PARTITIONS;
}

/** Events received in one delivery unit, for listing an organization's events by reception. */
export interface ReceivedUnit {
  readonly unitId: string;
  readonly receivedAt: string;
  /** Transaction ids by external subscription id. */
  readonly events: Readonly<Record<string, readonly string[]>>;
}

/** An event that could not be aggregated, kept for the `events.errors` report. */
export interface EventError {
  readonly organizationId: string;
  readonly transactionId: string;
  readonly externalSubscriptionId: string;
  readonly code: string;
  readonly timestamp: string;
  readonly receivedAt: string;
  readonly reason: NotAggregatedReason;
  /** The event's properties as JSON, kept here when the event itself could not be stored. */
  readonly propertiesJson?: string;
}

/**
 * An event stored and billed that Lago's hourly `events.errors` still names (its field missing or
 * not numeric, a filter value its filter does not list), kept for that report.
 */
export interface EventFlaw {
  readonly organizationId: string;
  readonly transactionId: string;
  readonly externalSubscriptionId: string;
  readonly code: string;
  readonly timestamp: string;
  readonly receivedAt: string;
  readonly flaw: EventFlawKind;
}

/** An organization with reportable errors in one UTC hour, and whether that hour was reported. */
export interface ErrorHour {
  readonly organizationId: string;
  readonly reportedAt: string | null;
}

/** The items of organizations with reportable errors received in one UTC hour (`hourOf`). */
/** The per-organization lists of events the `events.errors` report reads. */
type ReceivedList = "event_errors" | "event_flaws";

const errorHourPk = (hourStartsAt: string) => joinKey("event_errors_hour", hourStartsAt);

/**
 * An event as an item. Properties are kept as their JSON text, not as a DynamoDB map: a map cannot
 * hold numbers beyond 38 digits or 10^125, nests at most 32 levels, and the document client
 * refuses integers beyond 2^53; text holds every JSON value Lago accepts, exactly.
 */
function toItem(event: StoredEvent): Record<string, unknown> {
  const { properties, ...rest } = event;
  return { ...rest, propertiesJson: stringifyJson(properties) };
}

function fromItem(item: Record<string, unknown>): StoredEvent {
  const { propertiesJson, ...rest } = withoutStorageAttributes<Record<string, unknown>>(item);
  const properties = typeof propertiesJson === "string" ? parseJson(propertiesJson) : {};
  return {
    ...(rest as Omit<StoredEvent, "properties">),
    properties: properties as StoredEvent["properties"],
  };
}

/**
 * Raw events, one item per (organization, external_subscription_id, transaction_id): the key is
 * the idempotency key, so a second copy of an event can never be stored. Beside them: one index
 * item per delivery unit (an organization's events in order of reception) and one item per event
 * that could not be aggregated.
 */
export class EventStore {
  constructor(
    private readonly client: DynamoDBDocumentClient = documentClient(),
    private readonly table: string = resourceName(eventsTable),
  ) {}

  private key(organizationId: string, externalSubscriptionId: string, transactionId: string) {
    return {
      pk: joinKey(organizationId, externalSubscriptionId, String(partitionOf(transactionId))),
      sk: keyPart(transactionId),
    };
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
            ...toItem(event),
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
        return { kind: "stored", event: fromItem(existing) };
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
    return Item ? fromItem(Item) : undefined;
  }

  /** Several events by key, in one or a few batch reads; missing ones are left out. */
  async getMany(
    organizationId: string,
    keys: ReadonlyArray<{ externalSubscriptionId: string; transactionId: string }>,
  ): Promise<StoredEvent[]> {
    const found: StoredEvent[] = [];
    for (let i = 0; i < keys.length; i += 100) {
      let pending: Record<string, unknown>[] = keys
        .slice(i, i + 100)
        .map((key) => this.key(organizationId, key.externalSubscriptionId, key.transactionId));
      while (pending.length > 0) {
        const result = await this.client.send(
          new BatchGetCommand({ RequestItems: { [this.table]: { Keys: pending } } }),
        );
        for (const item of result.Responses?.[this.table] ?? []) found.push(fromItem(item));
        pending = (result.UnprocessedKeys?.[this.table]?.Keys as Record<string, unknown>[] | undefined) ?? [];
      }
    }
    return found;
  }

  /** Every stored event of one external subscription, whatever its partition. */
  async listForSubscription(organizationId: string, externalSubscriptionId: string): Promise<StoredEvent[]> {
    const partitions = await Promise.all(
      Array.from({ length: EVENT_PARTITIONS }, (_, partition) =>
        queryAll(this.client, {
          TableName: this.table,
          KeyConditionExpression: "pk = :pk",
          ExpressionAttributeValues: {
            ":pk": joinKey(organizationId, externalSubscriptionId, String(partition)),
          },
        }),
      ),
    );
    return partitions.flat().map(fromItem);
  }

  private unitKey(organizationId: string, unit: { unitId: string; receivedAt: string }) {
    return { pk: joinKey(organizationId, "received"), sk: `${unit.receivedAt}#${unit.unitId}` };
  }

  /**
   * Records which events a delivery unit carried, once all its usage is written: the record is
   * also the unit's completion mark (rewriting it on a retry changes nothing).
   */
  async recordUnit(organizationId: string, unit: ReceivedUnit): Promise<void> {
    await this.client.send(
      new PutCommand({
        TableName: this.table,
        Item: { ...this.unitKey(organizationId, unit), kind: "received_unit", ...unit },
      }),
    );
  }

  /** Whether a delivery unit completed (its record exists); read strongly consistent. */
  async unitRecorded(organizationId: string, unit: { unitId: string; receivedAt: string }): Promise<boolean> {
    const { Item } = await this.client.send(
      new GetCommand({
        TableName: this.table,
        Key: this.unitKey(organizationId, unit),
        ConsistentRead: true,
        ProjectionExpression: "unitId",
      }),
    );
    return Item !== undefined;
  }

  /** Which of these delivery units completed. */
  async recordedUnits(
    organizationId: string,
    units: ReadonlyArray<{ unitId: string; receivedAt: string }>,
  ): Promise<Set<string>> {
    const found = new Set<string>();
    const unique = [...new Map(units.map((unit) => [unit.unitId, unit])).values()];
    for (let i = 0; i < unique.length; i += 100) {
      let pending: Record<string, unknown>[] = unique
        .slice(i, i + 100)
        .map((unit) => this.unitKey(organizationId, unit));
      while (pending.length > 0) {
        const result = await this.client.send(
          new BatchGetCommand({
            RequestItems: {
              [this.table]: { Keys: pending, ProjectionExpression: "unitId", ConsistentRead: true },
            },
          }),
        );
        for (const item of result.Responses?.[this.table] ?? []) found.add(String(item.unitId));
        pending = (result.UnprocessedKeys?.[this.table]?.Keys as Record<string, unknown>[] | undefined) ?? [];
      }
    }
    return found;
  }

  /** An organization's delivery units, newest first, a page at a time (`after`: the last sort key seen). */
  async receivedUnits(
    organizationId: string,
    options: { limit: number; after?: string; receivedFrom?: string; receivedTo?: string },
  ): Promise<{ units: ReceivedUnit[]; next?: string }> {
    const result = await this.client.send(
      new QueryCommand({
        TableName: this.table,
        KeyConditionExpression: "pk = :pk AND sk BETWEEN :from AND :to",
        ExpressionAttributeValues: {
          ":pk": joinKey(organizationId, "received"),
          // Key values cannot be empty strings: "0000" sorts before every reception instant.
          ":from": options.receivedFrom ?? "0000",
          ":to": `${options.receivedTo ?? "9999"}~`,
        },
        ScanIndexForward: false,
        Limit: options.limit,
        ExclusiveStartKey: options.after
          ? { pk: joinKey(organizationId, "received"), sk: options.after }
          : undefined,
      }),
    );
    return {
      units: (result.Items ?? []).map((item) => withoutStorageAttributes<ReceivedUnit>(item)),
      next: typeof result.LastEvaluatedKey?.sk === "string" ? result.LastEvaluatedKey.sk : undefined,
    };
  }

  /** Keeps an event that could not be aggregated, keyed by when it was received. */
  recordError(error: EventError): Promise<void> {
    return this.keepReceived("event_errors", "event_error", error);
  }

  /** Keeps an event billed with a flaw Lago's `events.errors` reports, keyed by when it was received. */
  recordFlaw(flaw: EventFlaw): Promise<void> {
    return this.keepReceived("event_flaws", "event_flaw", flaw);
  }

  /** Events billed with a flaw, received in `[from, to)`. */
  flaws(organizationId: string, from: string, to: string): Promise<EventFlaw[]> {
    return this.receivedIn<EventFlaw>(organizationId, "event_flaws", from, to);
  }

  /** Events that could not be aggregated, received in `[from, to)`: what `events.errors` reports. */
  errors(organizationId: string, from: string, to: string): Promise<EventError[]> {
    return this.receivedIn<EventError>(organizationId, "event_errors", from, to);
  }

  /** One event's error or flaw record, in its organization's partition of that list. */
  private async keepReceived(
    list: ReceivedList,
    kind: string,
    record: EventError | EventFlaw,
  ): Promise<void> {
    await this.client.send(
      new PutCommand({
        TableName: this.table,
        Item: {
          pk: joinKey(record.organizationId, list),
          sk: joinKey(record.receivedAt, record.externalSubscriptionId, record.transactionId),
          kind,
          ...record,
        },
      }),
    );
  }

  /** A list's records received in `[from, to)` (the sort key starts with `receivedAt`). */
  private async receivedIn<T extends { readonly receivedAt: string }>(
    organizationId: string,
    list: ReceivedList,
    from: string,
    to: string,
  ): Promise<T[]> {
    const items = await queryAll(this.client, {
      TableName: this.table,
      KeyConditionExpression: "pk = :pk AND sk BETWEEN :from AND :to",
      ExpressionAttributeValues: { ":pk": joinKey(organizationId, list), ":from": from, ":to": to },
    });
    return items.map((item) => withoutStorageAttributes<T>(item)).filter((record) => record.receivedAt < to);
  }

  /**
   * Notes that an organization has reportable errors received in these UTC hours, before they are
   * written: the `events.errors` job then reads only the organizations of each hour, never all of
   * them. Keyed by the hour (the one item here whose key does not start with the organization: it
   * holds only the organization's id), written once per delivery unit and hour; rewriting it never
   * clears the hour's `reportedAt`.
   */
  async noteErrorHours(organizationId: string, hours: readonly string[]): Promise<void> {
    await Promise.all(
      [...new Set(hours)].map((hour) =>
        this.client.send(
          new UpdateCommand({
            TableName: this.table,
            Key: { pk: errorHourPk(hour), sk: keyPart(organizationId) },
            UpdateExpression: "SET kind = :kind, organizationId = :organizationId, hourStartsAt = :hour",
            ExpressionAttributeValues: {
              ":kind": "event_errors_hour",
              ":organizationId": organizationId,
              ":hour": hour,
            },
          }),
        ),
      ),
    );
  }

  /** The organizations with reportable errors received in the UTC hour starting at `hourStartsAt`. */
  async errorHour(hourStartsAt: string): Promise<ErrorHour[]> {
    const items = await queryAll(this.client, {
      TableName: this.table,
      KeyConditionExpression: "pk = :pk",
      ExpressionAttributeValues: { ":pk": errorHourPk(hourStartsAt) },
    });
    return items.map((item) => ({
      organizationId: String(item.organizationId),
      reportedAt: typeof item.reportedAt === "string" ? item.reportedAt : null,
    }));
  }

  /** The hour's report for the organization was published. */
  async markErrorHourReported(hourStartsAt: string, organizationId: string, at: string): Promise<void> {
    await this.client.send(
      new UpdateCommand({
        TableName: this.table,
        Key: { pk: errorHourPk(hourStartsAt), sk: keyPart(organizationId) },
        UpdateExpression: "SET reportedAt = :at",
        ExpressionAttributeValues: { ":at": at },
      }),
    );
  }
}
