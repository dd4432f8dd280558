import {
  type DynamoDBDocumentClient,
  GetCommand,
  PutCommand,
  QueryCommand,
  UpdateCommand,
  type UpdateCommandInput,
} from "@aws-sdk/lib-dynamodb";
import { documentClient } from "#shared/platform/aws-clients.js";
import { resourceName, TTL_ATTRIBUTE, webhooksTable } from "#shared/platform/resources.js";
import { isConditionFailure } from "#shared/store/errors.js";

/** Lago's webhook statuses: `retrying` once an attempt failed and another will come. */
export type DeliveryStatus = "pending" | "retrying" | "succeeded" | "failed";

/** One HTTP attempt, as recorded when it ended. */
export interface DeliveryAttempt {
  /** Which series (0 the first, one more per resend) and which attempt in it (from 1). */
  readonly series: number;
  readonly attempt: number;
  readonly status: "succeeded" | "failed";
  readonly httpStatus: number | null;
  readonly durationMs: number;
  /** The answer's body, truncated; null when there was no answer. */
  readonly response: string | null;
  /** Why there was no 2xx answer: a timeout, a connection error, a refused URL. */
  readonly error: string | null;
  readonly attemptedAt: string;
}

/**
 * One domain event to one endpoint, and every attempt. What is sent is the event's body, stored
 * once beside its deliveries (`saveBody`): one item of the body's size per event, whatever the
 * number of endpoints, and delivery items small enough that each attempt's writes cost a unit.
 */
export interface WebhookDelivery {
  readonly id: string;
  readonly organizationId: string;
  readonly endpointId: string;
  /** The endpoint's URL when last sent (or when made). */
  readonly endpointUrl: string;
  readonly webhookType: string;
  readonly objectType: string;
  /** `X-Lago-Unique-Key`: the event's, the same for every attempt and resend. */
  readonly uniqueKey: string;
  readonly status: DeliveryStatus;
  readonly series: number;
  /** The attempt of the series to make next (from 1). */
  readonly nextAttempt: number;
  readonly attempts: readonly DeliveryAttempt[];
  readonly httpStatus: number | null;
  /** Set while an attempt is under way: who holds it and until when (epoch ms). */
  readonly leaseToken?: string;
  readonly leaseUntil?: number;
  /** The failed series was sent to the dead-letter queue. */
  readonly deadLettered: boolean;
  readonly createdAt: string;
  readonly updatedAt: string;
  readonly lastRetriedAt: string | null;
}

/** Deliveries are kept 90 days, as Lago's clock cleans webhooks up after 90 days. */
const RETENTION_SECONDS = 90 * 24 * 3600;

const key = (organizationId: string, id: string) => ({
  pk: `${organizationId}#webhook#${id}`,
  sk: "webhook",
});
const bodyKey = (organizationId: string, uniqueKey: string) => ({
  pk: `${organizationId}#webhook_body#${uniqueKey}`,
  sk: "body",
});
const expiresAt = (createdAt: string) => Math.floor(Date.parse(createdAt) / 1000) + RETENTION_SECONDS;

function fromItem(item: Record<string, unknown>): WebhookDelivery {
  const { pk: _pk, sk: _sk, endpointPk: _e, createdSk: _c, [TTL_ATTRIBUTE]: _t, ...delivery } = item;
  return delivery as unknown as WebhookDelivery;
}

/** The webhooks service's deliveries, in its own table; every change is conditional on what it follows. */
export class WebhookStore {
  constructor(
    private readonly client: DynamoDBDocumentClient = documentClient(),
    private readonly table: string = resourceName(webhooksTable),
  ) {}

  /** Writes a new delivery; false (and nothing written) when one with its id exists. */
  async create(delivery: WebhookDelivery): Promise<boolean> {
    try {
      await this.client.send(
        new PutCommand({
          TableName: this.table,
          Item: {
            ...key(delivery.organizationId, delivery.id),
            endpointPk: `${delivery.organizationId}#${delivery.endpointId}`,
            createdSk: `${delivery.createdAt}#${delivery.id}`,
            [TTL_ATTRIBUTE]: expiresAt(delivery.createdAt),
            ...delivery,
          },
          ConditionExpression: "attribute_not_exists(pk)",
        }),
      );
      return true;
    } catch (error) {
      if (isConditionFailure(error)) return false;
      throw error;
    }
  }

  /**
   * Stores an event's body (Lago's webhook body, serialized once: what is signed and sent, byte for
   * byte) under its unique key; the first stored stays, so every attempt sends the same bytes.
   */
  async saveBody(organizationId: string, uniqueKey: string, body: string, createdAt: string): Promise<void> {
    try {
      await this.client.send(
        new PutCommand({
          TableName: this.table,
          Item: { ...bodyKey(organizationId, uniqueKey), body, [TTL_ATTRIBUTE]: expiresAt(createdAt) },
          ConditionExpression: "attribute_not_exists(pk)",
        }),
      );
    } catch (error) {
      if (!isConditionFailure(error)) throw error;
    }
  }

  async body(organizationId: string, uniqueKey: string): Promise<string | undefined> {
    const { Item } = await this.client.send(
      new GetCommand({
        TableName: this.table,
        Key: bodyKey(organizationId, uniqueKey),
        ConsistentRead: true,
      }),
    );
    return Item ? String(Item.body) : undefined;
  }

  async get(organizationId: string, id: string): Promise<WebhookDelivery | undefined> {
    const { Item } = await this.client.send(
      new GetCommand({ TableName: this.table, Key: key(organizationId, id), ConsistentRead: true }),
    );
    return Item ? fromItem(Item) : undefined;
  }

  /**
   * Takes attempt `attempt` of series `series` for `token` until `leaseUntil`, if it is the one to
   * make and no live lease holds it; undefined otherwise.
   */
  async claim(
    delivery: Pick<WebhookDelivery, "organizationId" | "id">,
    series: number,
    attempt: number,
    token: string,
    now: number,
    leaseUntil: number,
  ): Promise<WebhookDelivery | undefined> {
    return this.updateIfStill(delivery, {
      UpdateExpression: "SET leaseToken = :token, leaseUntil = :until",
      ConditionExpression:
        "#status IN (:pending, :retrying) AND series = :series AND nextAttempt = :attempt AND (attribute_not_exists(leaseUntil) OR leaseUntil < :now)",
      ExpressionAttributeNames: { "#status": "status" },
      ExpressionAttributeValues: {
        ":token": token,
        ":until": leaseUntil,
        ":pending": "pending",
        ":retrying": "retrying",
        ":series": series,
        ":attempt": attempt,
        ":now": now,
      },
    });
  }

  /** Records a claimed attempt's outcome and releases the lease; fails if the lease was lost. */
  async recordAttempt(
    delivery: WebhookDelivery,
    token: string,
    attempt: DeliveryAttempt,
    status: DeliveryStatus,
    endpointUrl: string,
  ): Promise<WebhookDelivery> {
    const retried = attempt.attempt > 1 || attempt.series > 0;
    const { Attributes } = await this.client.send(
      new UpdateCommand({
        TableName: this.table,
        Key: key(delivery.organizationId, delivery.id),
        UpdateExpression: `SET attempts = list_append(attempts, :attempt), #status = :status, nextAttempt = :next, httpStatus = :http, updatedAt = :at, endpointUrl = :url${retried ? ", lastRetriedAt = :at" : ""} REMOVE leaseToken, leaseUntil`,
        ConditionExpression: "leaseToken = :token",
        ExpressionAttributeNames: { "#status": "status" },
        ExpressionAttributeValues: {
          ":attempt": [attempt],
          ":status": status,
          ":next": attempt.attempt + 1,
          ":http": attempt.httpStatus,
          ":at": attempt.attemptedAt,
          ":url": endpointUrl,
          ":token": token,
        },
        ReturnValues: "ALL_NEW",
      }),
    );
    return fromItem(Attributes ?? {});
  }

  /** Notes that the failed series was sent to the dead-letter queue. */
  async markDeadLettered(delivery: WebhookDelivery): Promise<void> {
    await this.client.send(
      new UpdateCommand({
        TableName: this.table,
        Key: key(delivery.organizationId, delivery.id),
        UpdateExpression: "SET deadLettered = :yes",
        ConditionExpression: "series = :series",
        ExpressionAttributeValues: { ":yes": true, ":series": delivery.series },
      }),
    );
  }

  /**
   * Starts a new series of attempts of a failed delivery (same body, same unique key), if it is
   * still the failed series `series`; undefined when it is not (someone resent it first).
   */
  async resend(delivery: WebhookDelivery, now: string): Promise<WebhookDelivery | undefined> {
    return this.updateIfStill(delivery, {
      UpdateExpression:
        "SET #status = :pending, series = :next, nextAttempt = :first, deadLettered = :no, updatedAt = :now",
      ConditionExpression: "#status = :failed AND series = :series",
      ExpressionAttributeNames: { "#status": "status" },
      ExpressionAttributeValues: {
        ":pending": "pending",
        ":failed": "failed",
        ":series": delivery.series,
        ":next": delivery.series + 1,
        ":first": 1,
        ":no": false,
        ":now": now,
      },
    });
  }

  /** A conditional update of one delivery: the item as it now is, or undefined if the condition failed. */
  private async updateIfStill(
    delivery: Pick<WebhookDelivery, "organizationId" | "id">,
    update: Pick<
      UpdateCommandInput,
      "UpdateExpression" | "ConditionExpression" | "ExpressionAttributeNames" | "ExpressionAttributeValues"
    >,
  ): Promise<WebhookDelivery | undefined> {
    try {
      const { Attributes } = await this.client.send(
        new UpdateCommand({
          TableName: this.table,
          Key: key(delivery.organizationId, delivery.id),
          ...update,
          ReturnValues: "ALL_NEW",
        }),
      );
      return Attributes ? fromItem(Attributes) : undefined;
    } catch (error) {
      if (isConditionFailure(error)) return undefined;
      throw error;
    }
  }

  /** An endpoint's deliveries, newest first, with one status only if given. */
  async listForEndpoint(
    organizationId: string,
    endpointId: string,
    status?: DeliveryStatus,
  ): Promise<WebhookDelivery[]> {
    const found: WebhookDelivery[] = [];
    let start: Record<string, unknown> | undefined;
    do {
      const page = await this.client.send(
        new QueryCommand({
          TableName: this.table,
          IndexName: "endpointWebhooks",
          KeyConditionExpression: "endpointPk = :pk",
          ...(status
            ? {
                FilterExpression: "#status = :status",
                ExpressionAttributeNames: { "#status": "status" },
              }
            : {}),
          ExpressionAttributeValues: {
            ":pk": `${organizationId}#${endpointId}`,
            ...(status ? { ":status": status } : {}),
          },
          ScanIndexForward: false,
          ExclusiveStartKey: start,
        }),
      );
      found.push(...(page.Items ?? []).map(fromItem));
      start = page.LastEvaluatedKey;
    } while (start);
    return found;
  }
}
