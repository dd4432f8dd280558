import { type DynamoDBDocumentClient, PutCommand } from "@aws-sdk/lib-dynamodb";
import { EMPTY_TOTALS, mergeTotals, type UsageTotals } from "../domain/usage-totals.js";
import { documentClient } from "../platform/aws-clients.js";
import { resourceName, usageTable } from "../platform/resources.js";
import { isConditionFailure } from "./errors.js";
import { joinKey } from "./keys.js";
import { queryAll } from "./query.js";

export interface UsageKey {
  readonly organizationId: string;
  readonly subscriptionId: string;
  /** startsAt of the billing period the usage belongs to. */
  readonly periodStartsAt: string;
}

/**
 * Pre-aggregated usage. Each delivery unit adds one delta item per (subscription, period, metric),
 * written once by a conditional put, so a redelivered unit can never count twice; a period's usage
 * is the merge of its deltas, read with one query.
 */
export class UsageStore {
  constructor(
    private readonly client: DynamoDBDocumentClient = documentClient(),
    private readonly table: string = resourceName(usageTable),
  ) {}

  private pk(key: UsageKey): string {
    return joinKey(key.organizationId, key.subscriptionId, key.periodStartsAt);
  }

  /** Adds a unit's delta; false when that unit's delta is already there (a redelivery). */
  async addDelta(key: UsageKey, metricCode: string, unitId: string, totals: UsageTotals): Promise<boolean> {
    try {
      await this.client.send(
        new PutCommand({
          TableName: this.table,
          Item: {
            pk: this.pk(key),
            sk: joinKey(metricCode, "unit", unitId),
            kind: "usage_delta",
            metricCode,
            unitId,
            ...totals,
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

  /** A period's usage per billable metric code. */
  async periodUsage(key: UsageKey): Promise<Map<string, UsageTotals>> {
    const items = await queryAll(this.client, {
      TableName: this.table,
      KeyConditionExpression: "pk = :pk",
      ExpressionAttributeValues: { ":pk": this.pk(key) },
    });
    const usage = new Map<string, UsageTotals>();
    for (const item of items) {
      const code = String(item.metricCode);
      const delta: UsageTotals = {
        eventsCount: Number(item.eventsCount),
        sum: String(item.sum),
        max: item.max === null || item.max === undefined ? null : String(item.max),
      };
      usage.set(code, mergeTotals(usage.get(code) ?? EMPTY_TOTALS, delta));
    }
    return usage;
  }
}
