import {
  DeleteCommand,
  type DynamoDBDocumentClient,
  GetCommand,
  PutCommand,
  TransactWriteCommand,
  type TransactWriteCommandInput,
  UpdateCommand,
} from "@aws-sdk/lib-dynamodb";
import type {
  AddOn,
  BillableMetric,
  Customer,
  Plan,
  Subscription,
  Tax,
  WebhookEndpoint,
} from "../domain/catalog.js";
import type { AppliedCoupon, Coupon } from "../domain/coupons/coupon.js";
import { documentClient } from "../platform/aws-clients.js";
import { billingTable, resourceName } from "../platform/resources.js";
import { dueShard } from "./due-index.js";
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
  | "add_on"
  | "webhook_endpoint"
  | "deleted_plan"
  | "child_plan"
  | "deleted_customer"
  | "subscription_history"
  | "owed_event"
  | "owed_provider_customer"
  | "coupon"
  | "deleted_coupon"
  | "applied_coupon"
  | "coupon_use";

const sortKey = (kind: Kind, ...naturalKey: string[]) => joinKey(kind, ...naturalKey);
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

/**
 * The customer is no longer one to record a provider customer id on: deleted, given an id, or its
 * provider changed since it was read.
 */
export class ProviderCustomerTakenError extends Error {
  constructor() {
    super("the customer no longer waits for a provider customer");
    this.name = "ProviderCustomerTakenError";
  }
}

/** An item would pass DynamoDB's 400 KB limit: the caller refuses the request (a 422, not a 500). */
export class ItemTooLargeError extends Error {
  constructor(readonly kind: string) {
    super(`${kind} is too large to store`);
    this.name = "ItemTooLargeError";
  }
}

/**
 * The largest catalog item we write: DynamoDB's 400 KB limit, less a margin for our own estimate
 * of its accounting.
 */
export const MAX_ITEM_BYTES = 400 * 1024 - 1024;

/** What one TransactWriteItems may hold (AWS's limits: 100 actions, 4 MB in all). */
const MAX_TRANSACTION_WRITES = 100;
const MAX_TRANSACTION_BYTES = 4 * 1024 * 1024 - 64 * 1024;

const utf8Bytes = (text: string) => Buffer.byteLength(text, "utf8");

/** A number's size by DynamoDB's rule: about one byte per two significant digits, plus one. */
function numberBytes(value: number): number {
  const digits = String(Math.abs(value)).replace(/e.*$/, "").replace(/\D/g, "").replace(/^0+/, "");
  return Math.min(21, Math.ceil(Math.max(digits.length, 1) / 2) + 1);
}

function valueBytes(value: unknown): number {
  if (typeof value === "string") return utf8Bytes(value);
  if (typeof value === "number") return numberBytes(value);
  if (typeof value === "bigint") return numberBytes(Number(value));
  if (value === null || typeof value === "boolean") return 1;
  if (value instanceof Uint8Array) return value.byteLength;
  if (Array.isArray(value)) {
    // A list: 3 bytes, and one per element besides the element itself.
    return value.reduce((sum: number, item) => (item === undefined ? sum : sum + 1 + valueBytes(item)), 3);
  }
  if (value instanceof Set) return [...value].reduce((sum: number, item) => sum + valueBytes(item), 3);
  if (typeof value === "object") return 3 + attributesBytes(value as Record<string, unknown>, 1);
  return 0;
}

function attributesBytes(attributes: Record<string, unknown>, perEntry: number): number {
  let bytes = 0;
  for (const [name, value] of Object.entries(attributes)) {
    if (value !== undefined) bytes += utf8Bytes(name) + valueBytes(value) + perEntry;
  }
  return bytes;
}

/** An item's size as DynamoDB counts it against the 400 KB limit (attribute names included). */
export function itemBytes(item: Record<string, unknown>): number {
  return attributesBytes(item, 0);
}

type WriteAction = NonNullable<TransactWriteCommandInput["TransactItems"]>[number];

/**
 * One item write of a catalog change. A change is a list of them, written all or nothing: in one
 * TransactWriteItems, or one plain conditional write when it is a single item.
 */
export interface CatalogWrite {
  readonly action: WriteAction;
  /** What it means when this write's condition does not hold. */
  readonly onConditionFailure: () => Error;
}

function writeBytes(write: CatalogWrite): number {
  const { Put, Delete, Update, ConditionCheck } = write.action;
  if (Put) return itemBytes(Put.Item ?? {});
  const key = Delete?.Key ?? Update?.Key ?? ConditionCheck?.Key ?? {};
  // Keys and expressions only: small, and never near a limit.
  return itemBytes(key) + 512;
}

function checkItemSizes(writes: readonly CatalogWrite[]): void {
  for (const write of writes) {
    const item = write.action.Put?.Item;
    if (item && itemBytes(item) > MAX_ITEM_BYTES) throw new ItemTooLargeError(String(item.kind ?? "item"));
  }
}

const fitsOneTransaction = (writes: readonly CatalogWrite[]) =>
  writes.length <= MAX_TRANSACTION_WRITES &&
  writes.reduce((sum, write) => sum + writeBytes(write), 0) <= MAX_TRANSACTION_BYTES;

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

/**
 * A domain event the catalog owes (`customer.created`, `subscription.started`, …): written in the
 * same write as the change that causes it, due in the catalog's due index from then, removed once
 * published. `bodyJson` is the object exactly as it was serialized at the change.
 */
export interface OwedCatalogEvent {
  readonly organizationId: string;
  readonly type: string;
  readonly objectType: string;
  readonly bodyJson: string;
  /** Fixed at the write: the same for every publication of this event. */
  readonly uniqueKey: string;
  readonly owedAt: string;
}

/**
 * A customer the catalog owes a customer at its payment provider (Stripe): written in the write
 * that leaves the customer synced with no provider customer id, due in the catalog's due index
 * until its message is on the provider-customers queue.
 */
export interface OwedProviderCustomer {
  readonly organizationId: string;
  readonly externalCustomerId: string;
  /** The customer's Lago id. */
  readonly customerId: string;
  readonly owedAt: string;
}

/** What the catalog clock finds due: subscriptions to settle, events and provider customers still owed. */
export interface DueCatalogItems {
  readonly subscriptions: Array<{ organizationId: string; externalId: string; id: string; dueAt: string }>;
  readonly owedEvents: Array<{ organizationId: string; uniqueKey: string }>;
  readonly providerCustomers: OwedProviderCustomer[];
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

  /**
   * Writes a change all or nothing: one conditional write for a single item, else one
   * TransactWriteItems. Every item is checked against DynamoDB's size limit first
   * (`ItemTooLargeError`); a failed condition throws what its write says it means, and a
   * transaction that met a concurrent one throws `ConcurrentChangeError`. Nothing is written then.
   */
  async write(writes: readonly CatalogWrite[]): Promise<void> {
    if (writes.length === 0) return;
    checkItemSizes(writes);
    const [only] = writes;
    if (writes.length === 1 && only && !only.action.ConditionCheck) return this.writeOne(only);
    if (!fitsOneTransaction(writes)) throw new Error("a catalog change too large for one transaction");
    try {
      await this.client.send(
        new TransactWriteCommand({ TransactItems: writes.map((write) => write.action) }),
      );
    } catch (error) {
      const codes = cancellationCodes(error);
      if (!codes) throw error;
      const failed = writes[codes.indexOf("ConditionalCheckFailed")];
      if (failed) throw failed.onConditionFailure();
      if (codes.includes("TransactionConflict")) throw new ConcurrentChangeError("catalog");
      throw error;
    }
  }

  private async writeOne(write: CatalogWrite): Promise<void> {
    const { Put, Delete, Update } = write.action;
    try {
      if (Put) await this.client.send(new PutCommand(Put));
      else if (Delete) await this.client.send(new DeleteCommand(Delete));
      else if (Update) await this.client.send(new UpdateCommand(Update));
    } catch (error) {
      if (isConditionFailure(error)) throw write.onConditionFailure();
      throw error;
    }
  }

  /**
   * A change that may be larger than one transaction (ending every subscription of a plan, say):
   * `writes` in transactions of at most 100 items and 4 MB, and `last` in the final one. Each
   * write is conditional on what was read, so a change interrupted between two transactions is
   * finished by the same request made again; a change that fits is written all or nothing.
   */
  async writeInChunks(writes: readonly CatalogWrite[], last: readonly CatalogWrite[]): Promise<void> {
    const all = [...writes, ...last];
    checkItemSizes(all);
    if (fitsOneTransaction(all)) return this.write(all);
    let chunk: CatalogWrite[] = [];
    for (const write of writes) {
      if (!fitsOneTransaction([...chunk, write])) {
        await this.write(chunk);
        chunk = [];
      }
      chunk.push(write);
    }
    if (!fitsOneTransaction([...chunk, ...last])) {
      await this.write(chunk);
      chunk = [];
    }
    await this.write([...chunk, ...last]);
  }

  private put(
    item: Record<string, unknown>,
    onConditionFailure: () => Error,
    condition?: { expression: string; values?: Record<string, unknown> },
  ): CatalogWrite {
    return {
      action: {
        Put: {
          TableName: this.table,
          Item: item,
          ...(condition
            ? {
                ConditionExpression: condition.expression,
                ...(condition.values ? { ExpressionAttributeValues: condition.values } : {}),
              }
            : {}),
        },
      },
      onConditionFailure,
    };
  }

  /** A new item; `conflict` when one with the same natural key is there. */
  private insertion(
    organizationId: string,
    kind: Kind,
    naturalKey: string,
    data: object,
    conflict: () => Error = () => new AlreadyExistsError(kind),
  ): CatalogWrite {
    return this.put(this.item(organizationId, kind, [naturalKey], data), conflict, {
      expression: "attribute_not_exists(pk)",
    });
  }

  /** An item replaced, only if it is still the entity `id` (not deleted and re-created meanwhile). */
  private replacement(organizationId: string, kind: Kind, naturalKey: string, data: { id: string }) {
    return this.put(
      this.item(organizationId, kind, [naturalKey], data),
      () => new ConcurrentChangeError(kind),
      { expression: "attribute_exists(pk) AND id = :id", values: { ":id": data.id } },
    );
  }

  /** An item removed, only if it is still the entity `id`. */
  private removal(organizationId: string, kind: Kind, naturalKey: string, id: string): CatalogWrite {
    return {
      action: {
        Delete: {
          TableName: this.table,
          Key: this.key(organizationId, kind, naturalKey),
          ConditionExpression: "id = :id",
          ExpressionAttributeValues: { ":id": id },
        },
      },
      onConditionFailure: () => new ConcurrentChangeError(kind),
    };
  }

  /** No write: the change holds only if the item is still the entity `id`. */
  private check(organizationId: string, kind: Kind, naturalKey: string, id: string): CatalogWrite {
    return {
      action: {
        ConditionCheck: {
          TableName: this.table,
          Key: this.key(organizationId, kind, naturalKey),
          ConditionExpression: "id = :id",
          ExpressionAttributeValues: { ":id": id },
        },
      },
      onConditionFailure: () => new ConcurrentChangeError(kind),
    };
  }

  /**
   * An item whose natural key may have changed (a renamed code): the old key removed and the new
   * one required free, together.
   */
  private saveUnderKey(
    organizationId: string,
    kind: Kind,
    previousKey: string,
    newKey: string,
    data: { id: string },
  ): CatalogWrite[] {
    if (previousKey === newKey) return [this.replacement(organizationId, kind, newKey, data)];
    return [
      this.removal(organizationId, kind, previousKey, data.id),
      this.insertion(organizationId, kind, newKey, data),
    ];
  }

  /** A live item moved to its tombstone, so no reader sees it twice or not at all. */
  private tombstoning(organizationId: string, live: [Kind, string], tombstone: Kind, data: { id: string }) {
    return [
      this.removal(organizationId, live[0], live[1], data.id),
      this.put(
        this.item(organizationId, tombstone, [data.id], data),
        () => new ConcurrentChangeError(tombstone),
      ),
    ];
  }

  private async list<T>(organizationId: string, kind: Kind): Promise<T[]> {
    const items = await queryAll(this.client, {
      TableName: this.table,
      KeyConditionExpression: "pk = :pk AND begins_with(sk, :prefix)",
      ExpressionAttributeValues: { ":pk": organizationId, ":prefix": `${kind}#` },
    });
    return items.map((item) => withoutStorageAttributes<T>(item));
  }

  // Billable metrics, by code.
  getMetric(organizationId: string, code: string): Promise<BillableMetric | undefined> {
    return this.getItem(organizationId, "metric", code);
  }
  createMetric(metric: BillableMetric): Promise<void> {
    return this.write([this.insertion(metric.organizationId, "metric", metric.code, metric)]);
  }
  /** Saves a metric; when its code changed, the old key goes and the new one must be free. */
  updateMetric(metric: BillableMetric, previousCode: string): Promise<void> {
    return this.write(this.saveUnderKey(metric.organizationId, "metric", previousCode, metric.code, metric));
  }
  metricRemoval(metric: BillableMetric): CatalogWrite {
    return this.removal(metric.organizationId, "metric", metric.code, metric.id);
  }
  listMetrics(organizationId: string): Promise<BillableMetric[]> {
    return this.list(organizationId, "metric");
  }

  // Plans, by code; deleted ones by id.
  getPlan(organizationId: string, code: string): Promise<Plan | undefined> {
    return this.getItem(organizationId, "plan", code);
  }
  createPlan(plan: Plan): Promise<void> {
    return this.write([this.insertion(plan.organizationId, "plan", plan.code, plan)]);
  }
  /** Saves a plan; with `previousCode`, under its new code (which must be free). */
  updatePlan(plan: Plan, previousCode: string = plan.code): Promise<void> {
    return this.write(this.planSave(plan, previousCode));
  }
  planSave(plan: Plan, previousCode: string = plan.code): CatalogWrite[] {
    return this.saveUnderKey(plan.organizationId, "plan", previousCode, plan.code, plan);
  }
  /** The plan still live as read (a change made on it holds only then). */
  planCheck(plan: Plan): CatalogWrite {
    return this.check(plan.organizationId, "plan", plan.code, plan.id);
  }
  planRemoval(plan: Plan): CatalogWrite[] {
    return this.tombstoning(plan.organizationId, ["plan", plan.code], "deleted_plan", plan);
  }
  listPlans(organizationId: string): Promise<Plan[]> {
    return this.list(organizationId, "plan");
  }
  /**
   * The plan a subscription is on, even if it was deleted since: a live plan by its code, else
   * the subscription's own overridden plan (a child plan, by id), else a deleted one.
   */
  async planOf(
    subscription: Pick<Subscription, "organizationId" | "planCode" | "planId">,
  ): Promise<Plan | undefined> {
    const live = await this.getPlan(subscription.organizationId, subscription.planCode);
    if (live?.id === subscription.planId) return live;
    const child = await this.getItem<Plan>(subscription.organizationId, "child_plan", subscription.planId);
    return child ?? this.getItem(subscription.organizationId, "deleted_plan", subscription.planId);
  }

  // Child plans (a subscription's `plan_overrides`), by id: never listed with the plans.
  /**
   * A child plan written whole. Its id is derived from its subscription's, and it is written with
   * that subscription's conditional write, which keeps concurrent changes apart.
   */
  childPlanSave(plan: Plan): CatalogWrite {
    return this.put(
      this.item(plan.organizationId, "child_plan", [plan.id], plan),
      () => new ConcurrentChangeError("child_plan"),
    );
  }
  childPlanRemoval(plan: Plan): CatalogWrite[] {
    return this.tombstoning(plan.organizationId, ["child_plan", plan.id], "deleted_plan", plan);
  }
  listChildPlans(organizationId: string): Promise<Plan[]> {
    return this.list(organizationId, "child_plan");
  }

  // Customers, by external id; deleted ones by id.
  getCustomer(organizationId: string, externalId: string): Promise<Customer | undefined> {
    return this.getItem(organizationId, "customer", externalId);
  }
  /**
   * A new customer. Created by another request meanwhile: a concurrent change, so the request
   * reads again and updates it instead.
   */
  customerInsertion(customer: Customer): CatalogWrite {
    return this.insertion(
      customer.organizationId,
      "customer",
      customer.externalId,
      customer,
      () => new ConcurrentChangeError("customer"),
    );
  }
  /** An existing customer replaced; its identity and sequential id never change. */
  customerReplacement(customer: Customer): CatalogWrite {
    return this.replacement(customer.organizationId, "customer", customer.externalId, customer);
  }
  updateCustomer(customer: Customer): Promise<void> {
    return this.write([this.customerReplacement(customer)]);
  }
  /** The customer still live as read. */
  customerCheck(customer: Customer): CatalogWrite {
    return this.check(customer.organizationId, "customer", customer.externalId, customer.id);
  }
  customerRemoval(customer: Customer): CatalogWrite[] {
    return this.tombstoning(
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
    return this.write([this.insertion(tax.organizationId, "tax", tax.code, tax)]);
  }
  taxSave(tax: Tax, previousCode: string): CatalogWrite[] {
    return this.saveUnderKey(tax.organizationId, "tax", previousCode, tax.code, tax);
  }
  taxRemoval(tax: Tax): CatalogWrite {
    return this.removal(tax.organizationId, "tax", tax.code, tax.id);
  }
  listTaxes(organizationId: string): Promise<Tax[]> {
    return this.list(organizationId, "tax");
  }

  // Add-ons, by code.
  getAddOn(organizationId: string, code: string): Promise<AddOn | undefined> {
    return this.getItem(organizationId, "add_on", code);
  }
  createAddOn(addOn: AddOn): Promise<void> {
    return this.write([this.insertion(addOn.organizationId, "add_on", addOn.code, addOn)]);
  }
  /** Saves an add-on; when its code changed, the old key goes and the new one must be free. */
  addOnSave(addOn: AddOn, previousCode: string): CatalogWrite[] {
    return this.saveUnderKey(addOn.organizationId, "add_on", previousCode, addOn.code, addOn);
  }
  addOnRemoval(addOn: AddOn): CatalogWrite {
    return this.removal(addOn.organizationId, "add_on", addOn.code, addOn.id);
  }
  listAddOns(organizationId: string): Promise<AddOn[]> {
    return this.list(organizationId, "add_on");
  }

  // Coupons, by code; deleted ones by id. Every write of a coupon is conditional on its
  // `appliedCount` as read, so no change or deletion misses an application made meanwhile.
  getCoupon(organizationId: string, code: string): Promise<Coupon | undefined> {
    return this.getItem(organizationId, "coupon", code);
  }
  createCoupon(coupon: Coupon): Promise<void> {
    return this.write([this.insertion(coupon.organizationId, "coupon", coupon.code, coupon)]);
  }
  private couponCondition(coupon: Coupon) {
    return {
      expression: "id = :id AND appliedCount = :appliedCount",
      values: { ":id": coupon.id, ":appliedCount": coupon.appliedCount },
    };
  }
  /** Saves a coupon read as `previous`; when its code changed, the old key goes and the new one must be free. */
  couponSave(coupon: Coupon, previous: Coupon): CatalogWrite[] {
    const concurrent = () => new ConcurrentChangeError("coupon");
    const item = this.item(coupon.organizationId, "coupon", [coupon.code], coupon);
    if (coupon.code === previous.code) return [this.put(item, concurrent, this.couponCondition(previous))];
    return [
      this.couponKeyRemoval(previous),
      this.insertion(coupon.organizationId, "coupon", coupon.code, coupon),
    ];
  }
  private couponKeyRemoval(coupon: Coupon): CatalogWrite {
    const condition = this.couponCondition(coupon);
    return {
      action: {
        Delete: {
          TableName: this.table,
          Key: this.key(coupon.organizationId, "coupon", coupon.code),
          ConditionExpression: condition.expression,
          ExpressionAttributeValues: condition.values,
        },
      },
      onConditionFailure: () => new ConcurrentChangeError("coupon"),
    };
  }
  /** A deleted coupon: its code free again, itself kept by id for the applications that name it. */
  couponRemoval(coupon: Coupon, deletedAt: string): CatalogWrite[] {
    return [
      this.couponKeyRemoval(coupon),
      this.put(
        this.item(coupon.organizationId, "deleted_coupon", [coupon.id], { ...coupon, deletedAt }),
        () => new ConcurrentChangeError("deleted_coupon"),
      ),
    ];
  }
  /** One more application of the coupon, only while it is the live coupon read (not deleted). */
  couponApplication(coupon: Coupon): CatalogWrite {
    return {
      action: {
        Update: {
          TableName: this.table,
          Key: this.key(coupon.organizationId, "coupon", coupon.code),
          UpdateExpression: "ADD appliedCount :one",
          ConditionExpression: "id = :id",
          ExpressionAttributeValues: { ":one": 1, ":id": coupon.id },
        },
      },
      onConditionFailure: () => new ConcurrentChangeError("coupon"),
    };
  }
  listCoupons(organizationId: string): Promise<Coupon[]> {
    return this.list(organizationId, "coupon");
  }
  /** The coupon an application names, even if it was deleted since. */
  async couponOf(applied: Pick<AppliedCoupon, "organizationId" | "couponCode" | "couponId">) {
    const live = await this.getCoupon(applied.organizationId, applied.couponCode);
    if (live?.id === applied.couponId) return live;
    return this.getItem<Coupon>(applied.organizationId, "deleted_coupon", applied.couponId);
  }
  listDeletedCoupons(organizationId: string): Promise<Coupon[]> {
    return this.list(organizationId, "deleted_coupon");
  }

  // Applied coupons, by customer id and id; one `coupon_use` per (customer, coupon) given a
  // coupon that is not reusable, so two concurrent applications of it cannot both be written.
  getAppliedCoupon(
    organizationId: string,
    customerId: string,
    id: string,
  ): Promise<AppliedCoupon | undefined> {
    return this.getItem(organizationId, "applied_coupon", customerId, id);
  }
  appliedCouponInsertion(applied: AppliedCoupon): CatalogWrite {
    return this.put(
      this.item(applied.organizationId, "applied_coupon", [applied.customerId, applied.id], applied),
      () => new AlreadyExistsError("applied_coupon"),
      { expression: "attribute_not_exists(pk)" },
    );
  }
  /** The one application a non-reusable coupon may have per customer: `AlreadyExistsError` if taken. */
  couponUseInsertion(applied: AppliedCoupon): CatalogWrite {
    return this.insertion(
      applied.organizationId,
      "coupon_use",
      joinKey(applied.customerId, applied.couponId),
      { id: applied.id, customerId: applied.customerId, couponId: applied.couponId },
      () => new AlreadyExistsError("coupon_use"),
    );
  }
  async couponUsed(organizationId: string, customerId: string, couponId: string): Promise<boolean> {
    return (await this.getItem(organizationId, "coupon_use", joinKey(customerId, couponId))) !== undefined;
  }
  /** Terminates an active applied coupon; the rest of its item (what invoicing keeps) is untouched. */
  appliedCouponTermination(applied: AppliedCoupon, terminatedAt: string): CatalogWrite {
    return {
      action: {
        Update: {
          TableName: this.table,
          Key: this.key(applied.organizationId, "applied_coupon", applied.customerId, applied.id),
          UpdateExpression: "SET #status = :terminated, terminatedAt = :at",
          ConditionExpression: "id = :id AND #status = :active",
          ExpressionAttributeNames: { "#status": "status" },
          ExpressionAttributeValues: {
            ":terminated": "terminated",
            ":at": terminatedAt,
            ":id": applied.id,
            ":active": "active",
          },
        },
      },
      onConditionFailure: () => new ConcurrentChangeError("applied_coupon"),
    };
  }
  listAppliedCoupons(organizationId: string): Promise<AppliedCoupon[]> {
    return this.list(organizationId, "applied_coupon");
  }
  async customerAppliedCoupons(organizationId: string, customerId: string): Promise<AppliedCoupon[]> {
    const items = await queryAll(this.client, {
      TableName: this.table,
      KeyConditionExpression: "pk = :pk AND begins_with(sk, :prefix)",
      ExpressionAttributeValues: {
        ":pk": organizationId,
        ":prefix": `${sortKey("applied_coupon", customerId)}#`,
      },
    });
    return items.map((item) => withoutStorageAttributes<AppliedCoupon>(item));
  }
  /**
   * A customer's active applied coupons, oldest first: what invoicing applies at finalization
   * (with `appliedCouponState` from shared/src/domain/coupons/coupon.ts and each one's coupon).
   */
  async appliedCouponsOf(organizationId: string, customerId: string): Promise<AppliedCoupon[]> {
    const all = await this.customerAppliedCoupons(organizationId, customerId);
    return all
      .filter((applied) => applied.status === "active")
      .sort((a, b) => a.createdAt.localeCompare(b.createdAt) || a.id.localeCompare(b.id));
  }

  // Webhook endpoints, by id.
  getWebhookEndpoint(organizationId: string, id: string): Promise<WebhookEndpoint | undefined> {
    return this.getItem(organizationId, "webhook_endpoint", id);
  }
  webhookEndpointInsertion(endpoint: WebhookEndpoint): CatalogWrite {
    return this.insertion(endpoint.organizationId, "webhook_endpoint", endpoint.id, endpoint);
  }
  createWebhookEndpoint(endpoint: WebhookEndpoint): Promise<void> {
    return this.write([this.webhookEndpointInsertion(endpoint)]);
  }
  updateWebhookEndpoint(endpoint: WebhookEndpoint): Promise<void> {
    return this.write([this.replacement(endpoint.organizationId, "webhook_endpoint", endpoint.id, endpoint)]);
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
   * A new subscription, the current one of its external id. `dueAt` puts it in the billing clock's
   * due index: the instant its open period closes, or a pending one starts. Another request
   * taking the external id meanwhile is a concurrent change: read again, decide again.
   */
  subscriptionInsertion(subscription: Subscription, dueAt: DueAt): CatalogWrite {
    return this.put(
      this.subscriptionItem(subscription, "current", dueAt, 1),
      () => new ConcurrentChangeError("subscription"),
      { expression: "attribute_not_exists(pk)" },
    );
  }

  /**
   * A changed subscription with its next due instant (null: out of the index), only if it is
   * still at the revision read: two runs or requests can never overwrite each other's change.
   */
  subscriptionSave(record: SubscriptionRecord, subscription: Subscription, dueAt: DueAt): CatalogWrite {
    return this.put(
      this.subscriptionItem(subscription, record.location, dueAt, record.revision + 1),
      () => new ConcurrentChangeError("subscription"),
      {
        expression: "id = :id AND revision = :revision",
        values: { ":id": subscription.id, ":revision": record.revision },
      },
    );
  }

  /** Saves a subscription, with `also` (the events it owes) in the same write. */
  async saveSubscription(
    record: SubscriptionRecord,
    subscription: Subscription,
    dueAt: DueAt,
    also: readonly CatalogWrite[] = [],
  ): Promise<SubscriptionRecord> {
    await this.write([this.subscriptionSave(record, subscription, dueAt), ...also]);
    return { subscription, dueAt, revision: record.revision + 1, location: record.location };
  }

  /**
   * A successor in place of the current subscription of an external id (upgrade, downgrade, a
   * new subscription on a freed external id), the replaced one, as it now is, moved to the
   * history: conditional on the revision read.
   */
  subscriptionReplacement(
    record: SubscriptionRecord,
    replaced: { subscription: Subscription; dueAt: DueAt },
    successor: { subscription: Subscription; dueAt: DueAt },
  ): CatalogWrite[] {
    return [
      this.put(
        this.subscriptionItem(successor.subscription, "current", successor.dueAt, record.revision + 1),
        () => new ConcurrentChangeError("subscription"),
        {
          expression: "id = :id AND revision = :revision",
          values: { ":id": replaced.subscription.id, ":revision": record.revision },
        },
      ),
      this.put(
        this.subscriptionItem(replaced.subscription, "history", replaced.dueAt, record.revision + 1),
        () => new ConcurrentChangeError("subscription"),
      ),
    ];
  }

  replaceSubscription(
    record: SubscriptionRecord,
    replaced: { subscription: Subscription; dueAt: DueAt },
    successor: { subscription: Subscription; dueAt: DueAt },
  ): Promise<void> {
    return this.write(this.subscriptionReplacement(record, replaced, successor));
  }

  /** Subscriptions due at or before `now`, in one shard of the due index. */
  async dueSubscriptions(
    shard: string,
    now: string,
  ): Promise<Array<{ organizationId: string; externalId: string; id: string; dueAt: string }>> {
    return (await this.dueItems(shard, now)).subscriptions;
  }

  /**
   * Everything due at or before `now` in one shard of the due index: subscriptions, and events
   * still owed (told apart by their sort key, which every index entry carries).
   */
  async dueItems(shard: string, now: string): Promise<DueCatalogItems> {
    const items = await queryAll(this.client, {
      TableName: this.table,
      IndexName: "due",
      KeyConditionExpression: "duePk = :shard AND dueAt <= :now",
      ExpressionAttributeValues: { ":shard": shard, ":now": now },
    });
    const owedPrefix = `${sortKey("owed_event")}#`;
    const providerCustomerPrefix = `${sortKey("owed_provider_customer")}#`;
    const subscriptions: DueCatalogItems["subscriptions"] = [];
    const owedEvents: DueCatalogItems["owedEvents"] = [];
    const providerCustomers: DueCatalogItems["providerCustomers"] = [];
    for (const item of items) {
      const sk = String(item.sk);
      if (sk.startsWith(owedPrefix)) {
        owedEvents.push({ organizationId: String(item.pk), uniqueKey: sk.slice(owedPrefix.length) });
      } else if (sk.startsWith(providerCustomerPrefix)) {
        // The index projects the customer's ids as `externalId` and `id`.
        providerCustomers.push({
          organizationId: String(item.pk),
          externalCustomerId: String(item.externalId),
          customerId: String(item.id),
          owedAt: String(item.dueAt),
        });
      } else {
        subscriptions.push({
          organizationId: String(item.organizationId),
          externalId: String(item.externalId),
          id: String(item.id),
          dueAt: String(item.dueAt),
        });
      }
    }
    return { subscriptions, owedEvents, providerCustomers };
  }

  // Events the catalog owes, by unique key: written with their change, due until published.
  /** An owed event, part of the write of the change that causes it. */
  owedEventInsertion(event: OwedCatalogEvent): CatalogWrite {
    return this.put(
      {
        ...this.item(event.organizationId, "owed_event", [event.uniqueKey], event),
        duePk: dueShard(event.uniqueKey),
        dueAt: event.owedAt,
      },
      () => new ConcurrentChangeError("owed_event"),
    );
  }
  owedEvent(organizationId: string, uniqueKey: string): Promise<OwedCatalogEvent | undefined> {
    return this.getItem(organizationId, "owed_event", uniqueKey);
  }
  /** Published: no longer owed (removing an event already removed is no change). */
  async owedEventPublished(event: Pick<OwedCatalogEvent, "organizationId" | "uniqueKey">): Promise<void> {
    await this.client.send(
      new DeleteCommand({
        TableName: this.table,
        Key: this.key(event.organizationId, "owed_event", event.uniqueKey),
      }),
    );
  }

  // Provider customers the catalog owes, by customer id: written with the customer's change, due
  // until their message is sent.
  /**
   * A provider customer owed to a customer, part of the write that leaves it synced with no
   * provider customer id (owed again by a later write: the same item, due again).
   */
  providerCustomerOwedInsertion(owed: OwedProviderCustomer): CatalogWrite {
    return this.put(
      {
        ...this.key(owed.organizationId, "owed_provider_customer", owed.customerId),
        kind: "owed_provider_customer",
        organizationId: owed.organizationId,
        // Named as the due index projects them.
        externalId: owed.externalCustomerId,
        id: owed.customerId,
        duePk: dueShard(owed.customerId),
        dueAt: owed.owedAt,
      },
      () => new ConcurrentChangeError("owed_provider_customer"),
    );
  }
  /** Its message is on the queue: no longer owed (removing one already removed is no change). */
  async providerCustomerSent(
    owed: Pick<OwedProviderCustomer, "organizationId" | "customerId">,
  ): Promise<void> {
    await this.client.send(
      new DeleteCommand({
        TableName: this.table,
        Key: this.key(owed.organizationId, "owed_provider_customer", owed.customerId),
      }),
    );
  }
  /**
   * Records the provider customer id Stripe gave `customer`, only while its provider is still a
   * synced Stripe customer with no id (not changed or given one meanwhile); a failed condition is
   * `ProviderCustomerTakenError`. Its `updatedAt` stays: the customer's own data did not change.
   */
  providerCustomerRecording(customer: Customer, providerCustomerId: string): CatalogWrite {
    return {
      action: {
        Update: {
          TableName: this.table,
          Key: this.key(customer.organizationId, "customer", customer.externalId),
          UpdateExpression: "SET paymentProvider.providerCustomerId = :providerCustomerId",
          ConditionExpression:
            "id = :id AND paymentProvider.provider = :stripe AND paymentProvider.syncWithProvider = :synced AND (attribute_not_exists(paymentProvider.providerCustomerId) OR paymentProvider.providerCustomerId = :none)",
          ExpressionAttributeValues: {
            ":providerCustomerId": providerCustomerId,
            ":id": customer.id,
            ":stripe": "stripe",
            ":synced": true,
            ":none": null,
          },
        },
      },
      onConditionFailure: () => new ProviderCustomerTakenError(),
    };
  }

  /**
   * Takes the next value of an organization-wide counter (customer sequential ids) with one atomic
   * increment, before the change that uses it: concurrent creations never conflict on the counter.
   * A change that then fails leaves its value unused, a gap like a deleted customer's; what must be
   * gapless (invoice numbers) is counted by invoicing, in the invoice's own transaction.
   */
  async takeSequence(organizationId: string, name: string): Promise<number> {
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
