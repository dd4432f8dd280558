import {
  type DynamoDBDocumentClient,
  GetCommand,
  PutCommand,
  QueryCommand,
  TransactWriteCommand,
} from "@aws-sdk/lib-dynamodb";
import { EMPTY_TOTALS, mergeTotals, mergeUniqueValue } from "../domain/pre-aggregation/index.js";
import type {
  AggregateTotals,
  EventPosition,
  UniqueValueState,
  UsageBucket,
} from "../domain/pre-aggregation/types.js";
import { documentClient } from "../platform/aws-clients.js";
import { resourceName, usageTable } from "../platform/resources.js";
import { cancellationCodes, isConditionFailure } from "./errors.js";
import { joinKey } from "./keys.js";
import { queryAll } from "./query.js";

/** One usage aggregate: a subscription's usage of a metric in a period and a bucket. */
export interface AggregateKey {
  readonly organizationId: string;
  readonly subscriptionId: string;
  readonly periodStartsAt: string;
  readonly metricCode: string;
  readonly bucketKey: string;
  readonly bucket: UsageBucket;
}

/** Merged totals of one (period, metric, bucket), as read. */
export interface AggregateRead {
  readonly periodStartsAt: string;
  readonly metricCode: string;
  readonly bucketKey: string;
  readonly bucket: UsageBucket;
  readonly totals: AggregateTotals;
  /** Deltas not folded into the base yet (what a fold would take). */
  readonly pendingDeltas: number;
}

/** A delivery unit (one queue message) as the usage store knows it. */
export interface DeliveryUnit {
  readonly unitId: string;
  readonly receivedAt: string;
}

/** Largest fold: one transaction holds at most 100 actions, the base update and 99 deletions. */
const MAX_FOLD = 99;

const pad = (value: number, width: number) => String(value).padStart(width, "0");
const hexUnits = (text: string) =>
  Array.from({ length: text.length }, (_, i) => text.charCodeAt(i).toString(16).padStart(4, "0")).join("");

/**
 * A string whose byte order is the event order (timestamp, received at, transaction id, Lago id,
 * each compared as the reference engine does): DynamoDB can then keep the later state of a unique
 * value with a plain conditional write. Ids are spelled as UTF-16 code units in hex, so their order
 * is JavaScript's; `!` (below every hex digit) ends each, so a prefix sorts first.
 */
export function positionKey(position: EventPosition): string {
  return [
    pad(Date.parse(position.timestamp), 15),
    pad(Date.parse(position.receivedAt), 15),
    hexUnits(position.transactionId),
    hexUnits(position.lagoId),
  ].join("!");
}

/**
 * Pre-aggregated usage, one partition per subscription. Each delivery unit adds one delta item per
 * aggregate (written once, by a conditional put keyed by the unit); folds move the deltas of
 * complete units into the aggregate's base in one transaction (base written on the version read,
 * deltas deleted on condition they still exist), so a delta is counted exactly once: in the base or
 * as itself. A read adds up the base and the deltas still there.
 */
export class UsageStore {
  constructor(
    private readonly client: DynamoDBDocumentClient = documentClient(),
    private readonly table: string = resourceName(usageTable),
  ) {}

  private pk(organizationId: string, subscriptionId: string): string {
    return joinKey(organizationId, subscriptionId);
  }

  /** Sort key prefix of one aggregate; its base ends `#base`, its deltas `#d#<unit id>`. */
  private aggregatePrefix(key: Omit<AggregateKey, "organizationId" | "subscriptionId" | "bucket">): string {
    return joinKey("agg", key.periodStartsAt, key.metricCode, key.bucketKey);
  }

  /** Adds a unit's delta to an aggregate; false when that unit's delta is already there (a redelivery). */
  async addDelta(key: AggregateKey, unit: DeliveryUnit, totals: AggregateTotals): Promise<boolean> {
    const unitId = unit.unitId;
    try {
      await this.client.send(
        new PutCommand({
          TableName: this.table,
          Item: {
            pk: this.pk(key.organizationId, key.subscriptionId),
            sk: `${this.aggregatePrefix(key)}#${joinKey("d", unitId)}`,
            kind: "usage_delta",
            unitId,
            unitReceivedAt: unit.receivedAt,
            periodStartsAt: key.periodStartsAt,
            metricCode: key.metricCode,
            bucketKey: key.bucketKey,
            bucket: key.bucket,
            totals,
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
   * Folds up to 99 deltas of an aggregate into its base, and only deltas of units that are
   * `complete` (all of their deltas written): a delta, once folded, is gone, so an incomplete unit's
   * redelivery must still find its earlier deltas to recognise them. Returns how many were folded; 0
   * when there was nothing to fold or another fold got there first (it then simply happens later).
   */
  async fold(
    key: AggregateKey,
    complete: (units: readonly DeliveryUnit[]) => Promise<ReadonlySet<string>>,
  ): Promise<number> {
    const pk = this.pk(key.organizationId, key.subscriptionId);
    const prefix = this.aggregatePrefix(key);
    const [deltas, base] = await Promise.all([
      this.client.send(
        new QueryCommand({
          TableName: this.table,
          KeyConditionExpression: "pk = :pk AND begins_with(sk, :deltas)",
          ExpressionAttributeValues: { ":pk": pk, ":deltas": `${prefix}#d#` },
          ConsistentRead: true,
          Limit: MAX_FOLD,
        }),
      ),
      this.client.send(
        new GetCommand({ TableName: this.table, Key: { pk, sk: `${prefix}#base` }, ConsistentRead: true }),
      ),
    ]);
    const written = deltas.Items ?? [];
    const done = await complete(
      written.map((item) => ({ unitId: String(item.unitId), receivedAt: String(item.unitReceivedAt) })),
    );
    const items = written.filter((item) => done.has(String(item.unitId)));
    if (items.length === 0) return 0;
    const version = Number(base.Item?.version ?? 0);
    const merged = items.reduce<AggregateTotals>(
      (totals, item) => mergeTotals(totals, item.totals as AggregateTotals),
      (base.Item?.totals as AggregateTotals | undefined) ?? EMPTY_TOTALS,
    );
    try {
      await this.client.send(
        new TransactWriteCommand({
          TransactItems: [
            {
              Put: {
                TableName: this.table,
                Item: {
                  pk,
                  sk: `${prefix}#base`,
                  kind: "usage_base",
                  periodStartsAt: key.periodStartsAt,
                  metricCode: key.metricCode,
                  bucketKey: key.bucketKey,
                  bucket: key.bucket,
                  totals: merged,
                  version: version + 1,
                },
                ConditionExpression: "attribute_not_exists(pk) OR version = :version",
                ExpressionAttributeValues: { ":version": version },
              },
            },
            ...items.map((item) => ({
              Delete: {
                TableName: this.table,
                Key: { pk, sk: item.sk as string },
                ConditionExpression: "attribute_exists(pk)",
              },
            })),
          ],
        }),
      );
      return items.length;
    } catch (error) {
      if (cancellationCodes(error)) return 0;
      throw error;
    }
  }

  /** Merges base and deltas of each (period, metric, bucket) among `items`. */
  private mergeAggregates(items: readonly Record<string, unknown>[]): AggregateRead[] {
    const byKey = new Map<string, AggregateRead>();
    for (const item of items) {
      const id = JSON.stringify([item.periodStartsAt, item.metricCode, item.bucketKey]);
      const previous = byKey.get(id);
      const totals = item.totals as AggregateTotals;
      byKey.set(id, {
        periodStartsAt: String(item.periodStartsAt),
        metricCode: String(item.metricCode),
        bucketKey: String(item.bucketKey),
        bucket: item.bucket as UsageBucket,
        totals: previous ? mergeTotals(previous.totals, totals) : totals,
        pendingDeltas: (previous?.pendingDeltas ?? 0) + (item.kind === "usage_delta" ? 1 : 0),
      });
    }
    return [...byKey.values()];
  }

  /** A period's aggregates, for every metric, in one query. */
  async periodAggregates(
    organizationId: string,
    subscriptionId: string,
    periodStartsAt: string,
  ): Promise<AggregateRead[]> {
    const items = await queryAll(this.client, {
      TableName: this.table,
      KeyConditionExpression: "pk = :pk AND begins_with(sk, :prefix)",
      ExpressionAttributeValues: {
        ":pk": this.pk(organizationId, subscriptionId),
        ":prefix": `${joinKey("agg", periodStartsAt)}#`,
      },
    });
    return this.mergeAggregates(items);
  }

  /** Aggregates of every period before `periodStartsAt`: what recurring metrics carry over. */
  async earlierAggregates(
    organizationId: string,
    subscriptionId: string,
    periodStartsAt: string,
  ): Promise<AggregateRead[]> {
    const items = await queryAll(this.client, {
      TableName: this.table,
      KeyConditionExpression: "pk = :pk AND sk BETWEEN :first AND :before",
      ExpressionAttributeValues: {
        ":pk": this.pk(organizationId, subscriptionId),
        ":first": "agg#",
        ":before": joinKey("agg", periodStartsAt),
      },
    });
    return this.mergeAggregates(items);
  }

  /**
   * Records the last operation on a distinct value of a unique_count metric in a period, unless a
   * later one is there already. Idempotent: writing the same or an earlier state changes nothing.
   */
  async putUniqueValue(key: AggregateKey, state: UniqueValueState): Promise<void> {
    const position = positionKey(state.last);
    try {
      await this.client.send(
        new PutCommand({
          TableName: this.table,
          Item: {
            pk: this.pk(key.organizationId, key.subscriptionId),
            sk: joinKey("uv", key.metricCode, key.periodStartsAt, key.bucketKey, state.value),
            kind: "unique_value",
            periodStartsAt: key.periodStartsAt,
            metricCode: key.metricCode,
            bucketKey: key.bucketKey,
            bucket: key.bucket,
            state,
            position,
          },
          ConditionExpression: "attribute_not_exists(pk) OR #position < :position",
          ExpressionAttributeNames: { "#position": "position" },
          ExpressionAttributeValues: { ":position": position },
        }),
      );
    } catch (error) {
      if (!isConditionFailure(error)) throw error;
    }
  }

  /**
   * The distinct values of a unique_count metric, as of the end of a period: that period's own
   * values, or with `throughPeriod` every period's up to it (recurring metrics), each value's states
   * merged (the latest operation wins), per bucket.
   */
  async uniqueValues(
    organizationId: string,
    subscriptionId: string,
    metricCode: string,
    periodStartsAt: string,
    throughPeriod: boolean,
  ): Promise<Array<{ bucketKey: string; bucket: UsageBucket; state: UniqueValueState }>> {
    const metricPrefix = joinKey("uv", metricCode);
    const items = await queryAll(this.client, {
      TableName: this.table,
      KeyConditionExpression: throughPeriod
        ? "pk = :pk AND sk BETWEEN :first AND :last"
        : "pk = :pk AND begins_with(sk, :prefix)",
      ExpressionAttributeValues: throughPeriod
        ? {
            ":pk": this.pk(organizationId, subscriptionId),
            ":first": `${metricPrefix}#`,
            ":last": `${metricPrefix}#${joinKey(periodStartsAt)}#~`,
          }
        : {
            ":pk": this.pk(organizationId, subscriptionId),
            ":prefix": `${metricPrefix}#${joinKey(periodStartsAt)}#`,
          },
    });
    return this.mergeUniqueValueItems(items);
  }

  /**
   * The distinct values of a unique_count metric over every period starting before `before`, each
   * value's states merged, per bucket: what a subscription replaced on a plan change leaves to its
   * successor of a recurring metric.
   */
  async earlierUniqueValues(
    organizationId: string,
    subscriptionId: string,
    metricCode: string,
    before: string,
  ): Promise<Array<{ bucketKey: string; bucket: UsageBucket; state: UniqueValueState }>> {
    const metricPrefix = joinKey("uv", metricCode);
    const items = await queryAll(this.client, {
      TableName: this.table,
      KeyConditionExpression: "pk = :pk AND sk BETWEEN :first AND :before",
      ExpressionAttributeValues: {
        ":pk": this.pk(organizationId, subscriptionId),
        ":first": `${metricPrefix}#`,
        ":before": `${metricPrefix}#${joinKey(before)}`,
      },
    });
    return this.mergeUniqueValueItems(items);
  }

  private mergeUniqueValueItems(
    items: readonly Record<string, unknown>[],
  ): Array<{ bucketKey: string; bucket: UsageBucket; state: UniqueValueState }> {
    const byValue = new Map<string, { bucketKey: string; bucket: UsageBucket; state: UniqueValueState }>();
    for (const item of items) {
      const entry = {
        bucketKey: String(item.bucketKey),
        bucket: item.bucket as UsageBucket,
        state: item.state as UniqueValueState,
      };
      const id = JSON.stringify([entry.bucketKey, entry.state.value]);
      const previous = byValue.get(id);
      byValue.set(id, previous ? { ...entry, state: mergeUniqueValue(previous.state, entry.state) } : entry);
    }
    return [...byValue.values()];
  }
}
