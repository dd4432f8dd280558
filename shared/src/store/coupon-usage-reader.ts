/**
 * What invoicing has spent of each applied coupon, read from invoicing's table (read only): the
 * catalog shows applied coupons as invoicing left them, and never writes what invoicing keeps
 * (see services/invoicing/src/store/coupon-usage.ts, which writes it).
 */
import type { DynamoDBDocumentClient } from "@aws-sdk/lib-dynamodb";
import { documentClient } from "../platform/aws-clients.js";
import { invoicingTable, resourceName } from "../platform/resources.js";
import { couponUsagePrefix } from "./invoice-keys.js";
import { queryAll } from "./query.js";

/** An applied coupon as its last finalization (or void) left it. */
export interface SpentCoupon {
  readonly appliedCouponId: string;
  readonly remainingAmountCents: number;
  readonly frequencyDurationRemaining: number | null;
  /** Used up: no later invoice applies it. */
  readonly terminated: boolean;
  /** When invoicing last changed it: when it was used up, if it is. */
  readonly updatedAt: string;
}

/** By applied coupon id; an applied coupon no invoice has applied yet has none. */
export type SpentCoupons = ReadonlyMap<string, SpentCoupon>;

function spentCoupon(item: Record<string, unknown>): SpentCoupon {
  const duration = item.frequencyDurationRemaining;
  return {
    appliedCouponId: String(item.appliedCouponId),
    remainingAmountCents: Number(item.remainingAmountCents),
    frequencyDurationRemaining: duration === null || duration === undefined ? null : Number(duration),
    terminated: item.terminated === true,
    updatedAt: String(item.updatedAt),
  };
}

export class CouponUsageReader {
  constructor(
    private readonly client: DynamoDBDocumentClient = documentClient(),
    private readonly table: string = resourceName(invoicingTable),
  ) {}

  /** One customer's, or the whole organization's without one (its usage items only). */
  async spentCoupons(organizationId: string, customerId?: string): Promise<SpentCoupons> {
    const items = await queryAll(this.client, {
      TableName: this.table,
      KeyConditionExpression: "pk = :pk AND begins_with(sk, :prefix)",
      ExpressionAttributeValues: { ":pk": organizationId, ":prefix": couponUsagePrefix(customerId) },
      // A coupon just spent by a finalization shows so at once.
      ConsistentRead: true,
    });
    return new Map(items.map((item) => [String(item.appliedCouponId), spentCoupon(item)]));
  }
}

let processReader: CouponUsageReader | undefined;
/** The process's reader, built on first use, so the table's name comes from its environment. */
export const processCouponUsage = (): CouponUsageReader => {
  processReader ??= new CouponUsageReader();
  return processReader;
};
