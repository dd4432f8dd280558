import { type DynamoDBDocumentClient, GetCommand, PutCommand, QueryCommand } from "@aws-sdk/lib-dynamodb";
import { documentClient } from "#shared/platform/aws-clients.js";
import { invoicingTable, resourceName } from "#shared/platform/resources.js";
import { dueShard } from "#shared/store/due-index.js";
import { isConditionFailure } from "#shared/store/errors.js";
import { joinKey } from "#shared/store/keys.js";

/** How far a subscription is billed and when it is next due (null: nothing left to bill). */
export interface BillingSchedule {
  readonly organizationId: string;
  readonly subscriptionId: string;
  readonly externalSubscriptionId: string;
  /** The end of the last period billed; null before the first. */
  readonly billedThrough: string | null;
  readonly dueAt: string | null;
  /** 0 for a schedule not stored yet; each save takes the next. */
  readonly revision: number;
}

/** A save lost to a concurrent one: read again and decide again (the message is redelivered). */
export class ScheduleChangedError extends Error {
  constructor(readonly subscriptionId: string) {
    super(`the billing schedule of subscription ${subscriptionId} changed concurrently`);
    this.name = "ScheduleChangedError";
  }
}

export interface DueSchedule {
  readonly organizationId: string;
  readonly externalSubscriptionId: string;
  readonly subscriptionId: string;
  readonly dueAt: string;
}

/**
 * Each subscription's billing schedule, in invoicing's table: one item per subscription id, in the
 * sparse due index while it has something left to bill. Saves are conditional on the revision
 * read, so two runs (the clock's and a catalog change's) never overwrite each other.
 */
export class BillingScheduleStore {
  constructor(
    private readonly client: DynamoDBDocumentClient = documentClient(),
    private readonly table: string = resourceName(invoicingTable),
  ) {}

  private key(organizationId: string, subscriptionId: string) {
    return { pk: organizationId, sk: joinKey("schedule", subscriptionId) };
  }

  async get(organizationId: string, subscriptionId: string): Promise<BillingSchedule | undefined> {
    const { Item } = await this.client.send(
      new GetCommand({
        TableName: this.table,
        Key: this.key(organizationId, subscriptionId),
        ConsistentRead: true,
      }),
    );
    if (!Item) return undefined;
    return {
      organizationId,
      subscriptionId,
      externalSubscriptionId: String(Item.externalSubscriptionId),
      billedThrough: typeof Item.billedThrough === "string" ? Item.billedThrough : null,
      dueAt: typeof Item.dueAt === "string" ? Item.dueAt : null,
      revision: Number(Item.revision),
    };
  }

  /** Saves `next` over `read` (revision 0: none stored yet); throws ScheduleChangedError if it moved. */
  async save(
    read: BillingSchedule,
    next: Pick<BillingSchedule, "billedThrough" | "dueAt">,
  ): Promise<BillingSchedule> {
    const saved: BillingSchedule = { ...read, ...next, revision: read.revision + 1 };
    try {
      await this.client.send(
        new PutCommand({
          TableName: this.table,
          Item: {
            ...this.key(read.organizationId, read.subscriptionId),
            kind: "billing_schedule",
            organizationId: saved.organizationId,
            subscriptionId: saved.subscriptionId,
            externalSubscriptionId: saved.externalSubscriptionId,
            billedThrough: saved.billedThrough,
            revision: saved.revision,
            ...(saved.dueAt ? { duePk: dueShard(saved.subscriptionId), dueAt: saved.dueAt } : {}),
          },
          ConditionExpression: read.revision === 0 ? "attribute_not_exists(pk)" : "revision = :revision",
          ...(read.revision === 0 ? {} : { ExpressionAttributeValues: { ":revision": read.revision } }),
        }),
      );
    } catch (error) {
      if (isConditionFailure(error)) throw new ScheduleChangedError(read.subscriptionId);
      throw error;
    }
    return saved;
  }

  /**
   * One page of the schedules due at or before `now` in a shard of the due index, oldest due
   * first, from `after` (the key the previous page ended on); `next` is where the following page
   * starts, absent on the last.
   */
  async duePage(
    shard: string,
    now: string,
    options: { readonly limit: number; readonly after?: Record<string, string> },
  ): Promise<{ entries: DueSchedule[]; next?: Record<string, string> }> {
    const page = await this.client.send(
      new QueryCommand({
        TableName: this.table,
        IndexName: "due",
        KeyConditionExpression: "duePk = :shard AND dueAt <= :now",
        ExpressionAttributeValues: { ":shard": shard, ":now": now },
        Limit: options.limit,
        ExclusiveStartKey: options.after,
      }),
    );
    return {
      entries: (page.Items ?? []).map((item) => ({
        organizationId: String(item.organizationId),
        externalSubscriptionId: String(item.externalSubscriptionId),
        subscriptionId: String(item.subscriptionId),
        dueAt: String(item.dueAt),
      })),
      next: page.LastEvaluatedKey as Record<string, string> | undefined,
    };
  }
}

/** A schedule not stored yet, for a subscription invoicing hears of for the first time. */
export function unsavedSchedule(
  organizationId: string,
  subscriptionId: string,
  externalSubscriptionId: string,
): BillingSchedule {
  return {
    organizationId,
    subscriptionId,
    externalSubscriptionId,
    billedThrough: null,
    dueAt: null,
    revision: 0,
  };
}
