import {
  DeleteCommand,
  type DynamoDBDocumentClient,
  GetCommand,
  PutCommand,
  TransactWriteCommand,
  UpdateCommand,
} from "@aws-sdk/lib-dynamodb";
import type {
  BillableMetric,
  Customer,
  Plan,
  Subscription,
  Tax,
  WebhookEndpoint,
} from "../domain/catalog.js";
import { documentClient } from "../platform/aws-clients.js";
import { billingTable, DUE_INDEX_SHARDS, resourceName } from "../platform/resources.js";
import { cancellationCodes, isConditionFailure } from "./errors.js";
import { joinKey, withoutStorageAttributes } from "./keys.js";
import { queryAll } from "./query.js";

/**
 * Live catalog items are keyed by the natural key clients use (code, external id); a deleted plan
 * or customer moves to a tombstone keyed by its id, so its code or external id is free again while
 * invoices still being made for it can read it.
 */
type Kind =
  | "metric"
  | "plan"
  | "customer"
  | "subscription"
  | "tax"
  | "webhook_endpoint"
  | "deleted_plan"
  | "deleted_customer"
  | "subscription_history";

const sortKey = (kind: Kind, ...naturalKey: string[]) => joinKey(kind, ...naturalKey);
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
  constructor(readonly kind: string) {
    super(`${kind} already exists`);
    this.name = "AlreadyExistsError";
  }
}

/** The item changed since it was read: the caller reads again and decides again. */
export class ConcurrentChangeError extends Error {
  constructor(readonly kind: string) {
    super(`${kind} changed concurrently`);
    this.name = "ConcurrentChangeError";
  }
}

/** When the billing clock next has work for a subscription, or null for none. */
export type DueAt = string | null;

/** Where a subscription item lives: the current one of its external id, or in its history. */
export type SubscriptionLocation = "current" | "history";

export interface SubscriptionRecord {
  readonly subscription: Subscription;
  readonly dueAt: DueAt;
  /** Incremented by every write: the condition that keeps concurrent changes apart. */
  readonly revision: number;
  readonly location: SubscriptionLocation;
}

export class CatalogStore {
  constructor(
    private readonly client: DynamoDBDocumentClient = documentClient(),
    private readonly table: string = resourceName(billingTable),
  ) {}

  private key(organizationId: string, kind: Kind, ...naturalKey: string[]) {
    return { pk: organizationId, sk: sortKey(kind, ...naturalKey) };
  }

  private item(organizationId: string, kind: Kind, naturalKey: string[], data: object, extra: object = {}) {
    return { ...data, ...extra, ...this.key(organizationId, kind, ...naturalKey), kind };
  }

  private async getItem<T>(
    organizationId: string,
    kind: Kind,
    ...naturalKey: string[]
  ): Promise<T | undefined> {
    const { Item } = await this.client.send(
      new GetCommand({ TableName: this.table, Key: this.key(organizationId, kind, ...naturalKey) }),
    );
    return Item ? withoutStorageAttributes<T>(Item) : undefined;
  }

  /** Inserts a new item; `AlreadyExistsError` when one with the same natural key is there. */
  private async insert(
    organizationId: string,
    kind: Kind,
    naturalKey: string,
    data: object,
    extra: object = {},
  ): Promise<void> {
    try {
      await this.client.send(
        new PutCommand({
          TableName: this.table,
          Item: this.item(organizationId, kind, [naturalKey], data, extra),
          ConditionExpression: "attribute_not_exists(pk)",
        }),
      );
    } catch (error) {
      if (isConditionFailure(error)) throw new AlreadyExistsError(kind);
      throw error;
    }
  }

  /** Replaces an item, only if it is still the entity `id` (not deleted and re-created meanwhile). */
  private async replace(
    organizationId: string,
    kind: Kind,
    naturalKey: string,
    data: { id: string },
    extra: object = {},
  ): Promise<void> {
    try {
      await this.client.send(
        new PutCommand({
          TableName: this.table,
          Item: this.item(organizationId, kind, [naturalKey], data, extra),
          ConditionExpression: "attribute_exists(pk) AND id = :id",
          ExpressionAttributeValues: { ":id": data.id },
        }),
      );
    } catch (error) {
      if (isConditionFailure(error)) throw new ConcurrentChangeError(kind);
      throw error;
    }
  }

  /**
   * Replaces an item whose natural key may have changed (a renamed code): the old key is removed and
   * the new one must be free, in one transaction.
   */
  private async saveUnderKey(
    organizationId: string,
    kind: Kind,
    previousKey: string,
    newKey: string,
    data: { id: string },
  ): Promise<void> {
    if (previousKey === newKey) return this.replace(organizationId, kind, newKey, data);
    try {
      await this.client.send(
        new TransactWriteCommand({
          TransactItems: [
            {
              Delete: {
                TableName: this.table,
                Key: this.key(organizationId, kind, previousKey),
                ConditionExpression: "id = :id",
                ExpressionAttributeValues: { ":id": data.id },
              },
            },
            {
              Put: {
                TableName: this.table,
                Item: this.item(organizationId, kind, [newKey], data),
                ConditionExpression: "attribute_not_exists(pk)",
              },
            },
          ],
        }),
      );
    } catch (error) {
      const codes = cancellationCodes(error);
      if (codes?.[1] === "ConditionalCheckFailed") throw new AlreadyExistsError(kind);
      if (codes) throw new ConcurrentChangeError(kind);
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

  /** Moves a live item to its tombstone in one transaction, so no reader sees it twice or not at all. */
  private async moveToTombstone(
    organizationId: string,
    live: [Kind, string],
    tombstone: Kind,
    data: { id: string },
  ): Promise<void> {
    try {
      await this.client.send(
        new TransactWriteCommand({
          TransactItems: [
            {
              Delete: {
                TableName: this.table,
                Key: this.key(organizationId, ...live),
                ConditionExpression: "id = :id",
                ExpressionAttributeValues: { ":id": data.id },
              },
            },
            { Put: { TableName: this.table, Item: this.item(organizationId, tombstone, [data.id], data) } },
          ],
        }),
      );
    } catch (error) {
      if (cancellationCodes(error)) throw new ConcurrentChangeError(live[0]);
      throw error;
    }
  }

  // Billable metrics, by code.
  getMetric(organizationId: string, code: string): Promise<BillableMetric | undefined> {
    return this.getItem(organizationId, "metric", code);
  }
  createMetric(metric: BillableMetric): Promise<void> {
    return this.insert(metric.organizationId, "metric", metric.code, metric);
  }
  /** Saves a metric; when its code changed, the old key goes and the new one must be free. */
  updateMetric(metric: BillableMetric, previousCode: string): Promise<void> {
    return this.saveUnderKey(metric.organizationId, "metric", previousCode, metric.code, metric);
  }
  async deleteMetric(metric: BillableMetric): Promise<void> {
    try {
      await this.client.send(
        new DeleteCommand({
          TableName: this.table,
          Key: this.key(metric.organizationId, "metric", metric.code),
          ConditionExpression: "id = :id",
          ExpressionAttributeValues: { ":id": metric.id },
        }),
      );
    } catch (error) {
      if (isConditionFailure(error)) throw new ConcurrentChangeError("metric");
      throw error;
    }
  }
  listMetrics(organizationId: string): Promise<BillableMetric[]> {
    return this.list(organizationId, "metric");
  }

  // Plans, by code; deleted ones by id.
  getPlan(organizationId: string, code: string): Promise<Plan | undefined> {
    return this.getItem(organizationId, "plan", code);
  }
  createPlan(plan: Plan): Promise<void> {
    return this.insert(plan.organizationId, "plan", plan.code, plan);
  }
  /** Saves a plan; with `previousCode`, under its new code (which must be free). */
  updatePlan(plan: Plan, previousCode: string = plan.code): Promise<void> {
    return this.saveUnderKey(plan.organizationId, "plan", previousCode, plan.code, plan);
  }
  deletePlan(plan: Plan): Promise<void> {
    return this.moveToTombstone(plan.organizationId, ["plan", plan.code], "deleted_plan", plan);
  }
  listPlans(organizationId: string): Promise<Plan[]> {
    return this.list(organizationId, "plan");
  }
  /** The plan a subscription is on, even if it was deleted since. */
  async planOf(
    subscription: Pick<Subscription, "organizationId" | "planCode" | "planId">,
  ): Promise<Plan | undefined> {
    const live = await this.getPlan(subscription.organizationId, subscription.planCode);
    if (live?.id === subscription.planId) return live;
    return this.getItem(subscription.organizationId, "deleted_plan", subscription.planId);
  }

  // Customers, by external id; deleted ones by id.
  getCustomer(organizationId: string, externalId: string): Promise<Customer | undefined> {
    return this.getItem(organizationId, "customer", externalId);
  }
  createCustomer(customer: Customer): Promise<void> {
    return this.insert(customer.organizationId, "customer", customer.externalId, customer);
  }
  /** Replaces an existing customer; its identity and sequential id never change. */
  updateCustomer(customer: Customer): Promise<void> {
    return this.replace(customer.organizationId, "customer", customer.externalId, customer);
  }
  deleteCustomer(customer: Customer): Promise<void> {
    return this.moveToTombstone(
      customer.organizationId,
      ["customer", customer.externalId],
      "deleted_customer",
      customer,
    );
  }
  listCustomers(organizationId: string): Promise<Customer[]> {
    return this.list(organizationId, "customer");
  }
  /** The customer a subscription belongs to, even if it was deleted since. */
  async customerOf(
    subscription: Pick<Subscription, "organizationId" | "externalCustomerId" | "customerId">,
  ): Promise<Customer | undefined> {
    const live = await this.getCustomer(subscription.organizationId, subscription.externalCustomerId);
    if (live?.id === subscription.customerId) return live;
    return this.getItem(subscription.organizationId, "deleted_customer", subscription.customerId);
  }

  // Taxes, by code.
  getTax(organizationId: string, code: string): Promise<Tax | undefined> {
    return this.getItem(organizationId, "tax", code);
  }
  createTax(tax: Tax): Promise<void> {
    return this.insert(tax.organizationId, "tax", tax.code, tax);
  }
  updateTax(tax: Tax, previousCode: string): Promise<void> {
    return this.saveUnderKey(tax.organizationId, "tax", previousCode, tax.code, tax);
  }
  async deleteTax(tax: Tax): Promise<void> {
    await this.client.send(
      new DeleteCommand({ TableName: this.table, Key: this.key(tax.organizationId, "tax", tax.code) }),
    );
  }
  listTaxes(organizationId: string): Promise<Tax[]> {
    return this.list(organizationId, "tax");
  }

  // Webhook endpoints, by id.
  getWebhookEndpoint(organizationId: string, id: string): Promise<WebhookEndpoint | undefined> {
    return this.getItem(organizationId, "webhook_endpoint", id);
  }
  createWebhookEndpoint(endpoint: WebhookEndpoint): Promise<void> {
    return this.insert(endpoint.organizationId, "webhook_endpoint", endpoint.id, endpoint);
  }
  updateWebhookEndpoint(endpoint: WebhookEndpoint): Promise<void> {
    return this.replace(endpoint.organizationId, "webhook_endpoint", endpoint.id, endpoint);
  }
  async deleteWebhookEndpoint(endpoint: WebhookEndpoint): Promise<void> {
    await this.client.send(
      new DeleteCommand({
        TableName: this.table,
        Key: this.key(endpoint.organizationId, "webhook_endpoint", endpoint.id),
      }),
    );
  }
  listWebhookEndpoints(organizationId: string): Promise<WebhookEndpoint[]> {
    return this.list(organizationId, "webhook_endpoint");
  }

  // Subscriptions: the current one per external id, and the ones it replaced (history).
  getSubscription(organizationId: string, externalId: string): Promise<Subscription | undefined> {
    return this.getItem(organizationId, "subscription", externalId);
  }
  listSubscriptions(organizationId: string): Promise<Subscription[]> {
    return this.list(organizationId, "subscription");
  }
  async subscriptionHistory(organizationId: string, externalId: string): Promise<Subscription[]> {
    const items = await queryAll(this.client, {
      TableName: this.table,
      KeyConditionExpression: "pk = :pk AND begins_with(sk, :prefix)",
      ExpressionAttributeValues: {
        ":pk": organizationId,
        ":prefix": `${sortKey("subscription_history", externalId)}#`,
      },
    });
    return items.map((item) => withoutStorageAttributes<Subscription>(item));
  }

  private subscriptionKey(
    subscription: Pick<Subscription, "organizationId" | "externalId" | "id">,
    location: SubscriptionLocation,
  ) {
    return location === "current"
      ? this.key(subscription.organizationId, "subscription", subscription.externalId)
      : this.key(
          subscription.organizationId,
          "subscription_history",
          subscription.externalId,
          subscription.id,
        );
  }

  private subscriptionItem(
    subscription: Subscription,
    location: SubscriptionLocation,
    dueAt: DueAt,
    revision: number,
  ) {
    return {
      ...subscription,
      ...this.subscriptionKey(subscription, location),
      kind: location === "current" ? "subscription" : "subscription_history",
      revision,
      ...(dueAt ? { duePk: dueShard(subscription.id), dueAt } : {}),
    };
  }

  /**
   * A subscription with its due instant and revision, by external id and, when given, its id:
   * the current subscription of that external id, or the history one it replaced.
   */
  async subscriptionRecord(
    organizationId: string,
    externalId: string,
    id?: string,
  ): Promise<SubscriptionRecord | undefined> {
    const read = async (location: SubscriptionLocation) => {
      const key =
        location === "current"
          ? this.key(organizationId, "subscription", externalId)
          : this.key(organizationId, "subscription_history", externalId, id ?? "");
      const { Item } = await this.client.send(
        new GetCommand({ TableName: this.table, Key: key, ConsistentRead: true }),
      );
      if (!Item) return undefined;
      return {
        subscription: withoutStorageAttributes<Subscription>(Item),
        dueAt: typeof Item.dueAt === "string" ? Item.dueAt : null,
        revision: Number(Item.revision ?? 0),
        location,
      };
    };
    const current = await read("current");
    if (!id || current?.subscription.id === id) return current;
    return read("history");
  }

  /**
   * Stores a new subscription. `dueAt` puts it in the billing clock's due index: the instant its
   * open period closes, or a pending one starts.
   */
  async createSubscription(subscription: Subscription, dueAt: DueAt): Promise<void> {
    try {
      await this.client.send(
        new PutCommand({
          TableName: this.table,
          Item: this.subscriptionItem(subscription, "current", dueAt, 1),
          ConditionExpression: "attribute_not_exists(pk)",
        }),
      );
    } catch (error) {
      if (isConditionFailure(error)) throw new AlreadyExistsError("subscription");
      throw error;
    }
  }

  /**
   * Saves a changed subscription with its next due instant (null: out of the index), only if it is
   * still at the revision read: two runs or requests can never overwrite each other's change.
   */
  async saveSubscription(
    record: SubscriptionRecord,
    subscription: Subscription,
    dueAt: DueAt,
  ): Promise<SubscriptionRecord> {
    try {
      await this.client.send(
        new PutCommand({
          TableName: this.table,
          Item: this.subscriptionItem(subscription, record.location, dueAt, record.revision + 1),
          ConditionExpression: "id = :id AND revision = :revision",
          ExpressionAttributeValues: { ":id": subscription.id, ":revision": record.revision },
        }),
      );
      return { subscription, dueAt, revision: record.revision + 1, location: record.location };
    } catch (error) {
      if (isConditionFailure(error)) throw new ConcurrentChangeError("subscription");
      throw error;
    }
  }

  /**
   * Puts a successor in place of the current subscription of an external id (upgrade, downgrade),
   * moving the replaced one, as it now is, to the history: one transaction, conditional on the
   * revision read.
   */
  async replaceSubscription(
    record: SubscriptionRecord,
    replaced: { subscription: Subscription; dueAt: DueAt },
    successor: { subscription: Subscription; dueAt: DueAt },
  ): Promise<void> {
    try {
      await this.client.send(
        new TransactWriteCommand({
          TransactItems: [
            {
              Put: {
                TableName: this.table,
                Item: this.subscriptionItem(
                  successor.subscription,
                  "current",
                  successor.dueAt,
                  record.revision + 1,
                ),
                ConditionExpression: "id = :id AND revision = :revision",
                ExpressionAttributeValues: { ":id": replaced.subscription.id, ":revision": record.revision },
              },
            },
            {
              Put: {
                TableName: this.table,
                Item: this.subscriptionItem(
                  replaced.subscription,
                  "history",
                  replaced.dueAt,
                  record.revision + 1,
                ),
              },
            },
          ],
        }),
      );
    } catch (error) {
      if (cancellationCodes(error)) throw new ConcurrentChangeError("subscription");
      throw error;
    }
  }

  /** Subscriptions due at or before `now`, in one shard of the due index. */
  async dueSubscriptions(
    shard: string,
    now: string,
  ): Promise<Array<{ organizationId: string; externalId: string; id: string; dueAt: string }>> {
    const items = await queryAll(this.client, {
      TableName: this.table,
      IndexName: "due",
      KeyConditionExpression: "duePk = :shard AND dueAt <= :now",
      ExpressionAttributeValues: { ":shard": shard, ":now": now },
    });
    return items.map((item) => ({
      organizationId: String(item.organizationId),
      externalId: String(item.externalId),
      id: String(item.id),
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
