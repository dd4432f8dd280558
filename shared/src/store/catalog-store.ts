import { type DynamoDBDocumentClient, GetCommand, PutCommand, UpdateCommand } from "@aws-sdk/lib-dynamodb";
import type { BillableMetric, Customer, Plan, Subscription } from "../domain/catalog.js";
import { documentClient } from "../platform/aws-clients.js";
import { billingTable, DUE_INDEX_SHARDS, resourceName } from "../platform/resources.js";
import { isConditionFailure } from "./errors.js";
import { joinKey, withoutStorageAttributes } from "./keys.js";
import { queryAll } from "./query.js";

type Kind = "metric" | "plan" | "customer" | "subscription";

const sortKey = (kind: Kind, naturalKey: string) => joinKey(kind, naturalKey);

const dueShardKey = (index: number) => `due#${index}`;

/** Shard of the billing clock's due index for a subscription: stable, spread by its id. */
export function dueShard(subscriptionId: string): string {
  let hash = 0;
  for (const char of subscriptionId) hash = (hash * 31 + char.charCodeAt(0)) >>> 0;
  return dueShardKey(hash % DUE_INDEX_SHARDS);
}

/** Every shard of the due index: the billing clock reads them all. */
export function allDueShards(): string[] {
  return Array.from({ length: DUE_INDEX_SHARDS }, (_, index) => dueShardKey(index));
}

export class AlreadyExistsError extends Error {
  constructor(readonly kind: Kind) {
    super(`${kind} already exists`);
    this.name = "AlreadyExistsError";
  }
}

/**
 * Catalog items of one table, each under its organization's partition: metrics and plans by code,
 * customers and subscriptions by external id.
 */
export class CatalogStore {
  constructor(
    private readonly client: DynamoDBDocumentClient = documentClient(),
    private readonly table: string = resourceName(billingTable),
  ) {}

  private async getItem<T>(organizationId: string, kind: Kind, naturalKey: string): Promise<T | undefined> {
    const { Item } = await this.client.send(
      new GetCommand({ TableName: this.table, Key: { pk: organizationId, sk: sortKey(kind, naturalKey) } }),
    );
    return Item ? withoutStorageAttributes<T>(Item) : undefined;
  }

  /** Inserts a new item; `AlreadyExistsError` when one with the same natural key is there. */
  private async insert(
    organizationId: string,
    kind: Kind,
    naturalKey: string,
    data: object,
    extra: Record<string, unknown> = {},
  ): Promise<void> {
    try {
      await this.client.send(
        new PutCommand({
          TableName: this.table,
          Item: { ...data, ...extra, pk: organizationId, sk: sortKey(kind, naturalKey), kind },
          ConditionExpression: "attribute_not_exists(pk)",
        }),
      );
    } catch (error) {
      if (isConditionFailure(error)) throw new AlreadyExistsError(kind);
      throw error;
    }
  }

  private async list<T>(organizationId: string, kind: Kind): Promise<T[]> {
    const items = await queryAll(this.client, {
      TableName: this.table,
      KeyConditionExpression: "pk = :pk AND begins_with(sk, :prefix)",
      ExpressionAttributeValues: { ":pk": organizationId, ":prefix": `${kind}#` },
    });
    return items.map((item) => withoutStorageAttributes<T>(item));
  }

  getMetric(organizationId: string, code: string): Promise<BillableMetric | undefined> {
    return this.getItem(organizationId, "metric", code);
  }
  createMetric(metric: BillableMetric): Promise<void> {
    return this.insert(metric.organizationId, "metric", metric.code, metric);
  }
  listMetrics(organizationId: string): Promise<BillableMetric[]> {
    return this.list(organizationId, "metric");
  }

  getPlan(organizationId: string, code: string): Promise<Plan | undefined> {
    return this.getItem(organizationId, "plan", code);
  }
  createPlan(plan: Plan): Promise<void> {
    return this.insert(plan.organizationId, "plan", plan.code, plan);
  }
  listPlans(organizationId: string): Promise<Plan[]> {
    return this.list(organizationId, "plan");
  }

  getCustomer(organizationId: string, externalId: string): Promise<Customer | undefined> {
    return this.getItem(organizationId, "customer", externalId);
  }
  createCustomer(customer: Customer): Promise<void> {
    return this.insert(customer.organizationId, "customer", customer.externalId, customer);
  }
  /** Replaces an existing customer; its identity and sequential id never change. */
  async updateCustomer(customer: Customer): Promise<void> {
    await this.client.send(
      new PutCommand({
        TableName: this.table,
        Item: {
          ...customer,
          pk: customer.organizationId,
          sk: sortKey("customer", customer.externalId),
          kind: "customer",
        },
        ConditionExpression: "attribute_exists(pk) AND id = :id",
        ExpressionAttributeValues: { ":id": customer.id },
      }),
    );
  }
  listCustomers(organizationId: string): Promise<Customer[]> {
    return this.list(organizationId, "customer");
  }

  getSubscription(organizationId: string, externalId: string): Promise<Subscription | undefined> {
    return this.getItem(organizationId, "subscription", externalId);
  }
  listSubscriptions(organizationId: string): Promise<Subscription[]> {
    return this.list(organizationId, "subscription");
  }

  /**
   * Stores a new subscription. `closesAt` (the end of its open period) puts it in the billing
   * clock's due index; a subscription without one (pending) is not billed.
   */
  createSubscription(subscription: Subscription, closesAt: string | null): Promise<void> {
    const due = closesAt ? { duePk: dueShard(subscription.id), dueAt: closesAt } : {};
    return this.insert(
      subscription.organizationId,
      "subscription",
      subscription.externalId,
      subscription,
      due,
    );
  }

  /**
   * Moves a subscription's next closing time from `closedAt` to `nextClosesAt`. Conditional on
   * the current value, so a redelivered billing job cannot move it twice or backwards.
   * Returns false when another run already moved it.
   */
  async advanceClosing(subscription: Subscription, closedAt: string, nextClosesAt: string): Promise<boolean> {
    try {
      await this.client.send(
        new UpdateCommand({
          TableName: this.table,
          Key: { pk: subscription.organizationId, sk: sortKey("subscription", subscription.externalId) },
          UpdateExpression: "SET dueAt = :next",
          ConditionExpression: "dueAt = :closed AND id = :id",
          ExpressionAttributeValues: { ":next": nextClosesAt, ":closed": closedAt, ":id": subscription.id },
        }),
      );
      return true;
    } catch (error) {
      if (isConditionFailure(error)) return false;
      throw error;
    }
  }

  /** When the subscription's open period closes, as the due index holds it. */
  async closingTime(organizationId: string, externalId: string): Promise<string | undefined> {
    const { Item } = await this.client.send(
      new GetCommand({
        TableName: this.table,
        Key: { pk: organizationId, sk: sortKey("subscription", externalId) },
        ProjectionExpression: "dueAt",
      }),
    );
    return typeof Item?.dueAt === "string" ? Item.dueAt : undefined;
  }

  /** Subscriptions whose open period closed at or before `now`, one shard of the due index. */
  async dueSubscriptions(
    shard: string,
    now: string,
  ): Promise<Array<{ organizationId: string; externalId: string; dueAt: string }>> {
    const items = await queryAll(this.client, {
      TableName: this.table,
      IndexName: "due",
      KeyConditionExpression: "duePk = :shard AND dueAt <= :now",
      ExpressionAttributeValues: { ":shard": shard, ":now": now },
    });
    return items.map((item) => ({
      organizationId: String(item.organizationId),
      externalId: String(item.externalId),
      dueAt: String(item.dueAt),
    }));
  }

  /** Next value of an organization-wide counter (customer sequential ids). Gaps are harmless here. */
  async nextSequence(organizationId: string, name: string): Promise<number> {
    const { Attributes } = await this.client.send(
      new UpdateCommand({
        TableName: this.table,
        Key: { pk: organizationId, sk: joinKey("counter", name) },
        UpdateExpression: "ADD #value :one SET kind = :kind",
        ExpressionAttributeNames: { "#value": "value" },
        ExpressionAttributeValues: { ":one": 1, ":kind": "counter" },
        ReturnValues: "UPDATED_NEW",
      }),
    );
    return Number(Attributes?.value);
  }
}
