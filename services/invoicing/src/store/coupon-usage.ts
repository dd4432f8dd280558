/**
 * What each applied coupon has given so far, kept by invoicing (which spends it) beside its
 * invoices, one item per applied coupon under its customer: the catalog keeps the coupon as
 * applied, invoicing what is left of it. A finalization spends a coupon in its own transaction,
 * conditional on the version read, so two finalizations never spend one coupon twice; a void
 * gives back what its invoice took.
 */
import type { DynamoDBDocumentClient } from "@aws-sdk/lib-dynamodb";
import {
  type AppliedCouponAfter,
  type AppliedCouponState,
  type CouponCredit,
  type CouponFrequency,
  recreditCoupon,
} from "#shared/domain/coupons/apply-coupons.js";
import { appliedCouponState } from "#shared/domain/coupons/coupon.js";
import type { CouponNames } from "#shared/domain/coupons/invoice-with-coupons.js";
import { CatalogStore } from "#shared/store/catalog-store.js";
import { couponUsagePrefix, couponUsageSk } from "#shared/store/invoice-keys.js";
import { queryAll } from "#shared/store/query.js";

export interface CouponUsage {
  readonly appliedCouponId: string;
  readonly frequency: CouponFrequency;
  readonly remainingAmountCents: number;
  readonly frequencyDurationRemaining: number | null;
  readonly terminated: boolean;
  readonly version: number;
}

/** A customer's coupons as applied in the catalog, with their names, for a finalization. */
export type CouponSource = (
  organizationId: string,
  customerId: string,
) => Promise<{
  readonly coupons: readonly AppliedCouponState[];
  readonly names: ReadonlyMap<string, CouponNames>;
}>;

/** The catalog's active applied coupons of the customer (read only), oldest first. */
export function catalogCoupons(
  catalog: () => Pick<CatalogStore, "appliedCouponsOf" | "couponOf" | "listPlans">,
): CouponSource {
  return async (organizationId, customerId) => {
    const applied = await catalog().appliedCouponsOf(organizationId, customerId);
    if (applied.length === 0) return { coupons: [], names: new Map() };
    const coupons: AppliedCouponState[] = [];
    const names = new Map<string, CouponNames>();
    let plans: Awaited<ReturnType<CatalogStore["listPlans"]>> | undefined;
    for (const application of applied) {
      const coupon = await catalog().couponOf(application);
      if (!coupon) continue;
      // A coupon limited to plans reaches their overridden children too.
      if (coupon.limitedPlanIds.length > 0) plans ??= await catalog().listPlans(organizationId);
      coupons.push(appliedCouponState(application, coupon, plans ?? []));
      names.set(application.id, { couponCode: coupon.code, couponName: coupon.name });
    }
    return { coupons, names };
  };
}

let defaultCatalog: CatalogStore | undefined;
/** The process's catalog reader, built on first use. */
export const processCatalog = (): CatalogStore => {
  defaultCatalog ??= new CatalogStore();
  return defaultCatalog;
};

/** The customer's coupon usage, by applied coupon. */
export async function readCouponUsage(
  client: DynamoDBDocumentClient,
  table: string,
  organizationId: string,
  customerId: string,
): Promise<Map<string, CouponUsage>> {
  const items = await queryAll(client, {
    TableName: table,
    KeyConditionExpression: "pk = :pk AND begins_with(sk, :prefix)",
    ExpressionAttributeValues: {
      ":pk": organizationId,
      ":prefix": couponUsagePrefix(customerId),
    },
    ConsistentRead: true,
  });
  return new Map(
    items.map((item) => [
      String(item.appliedCouponId),
      {
        appliedCouponId: String(item.appliedCouponId),
        frequency: String(item.frequency) as CouponFrequency,
        remainingAmountCents: Number(item.remainingAmountCents),
        frequencyDurationRemaining:
          item.frequencyDurationRemaining === null || item.frequencyDurationRemaining === undefined
            ? null
            : Number(item.frequencyDurationRemaining),
        terminated: item.terminated === true,
        version: Number(item.version),
      },
    ]),
  );
}

/** The catalog's coupons as what invoicing has spent of them leaves them; used-up ones left out. */
export function couponsLeft(
  coupons: readonly AppliedCouponState[],
  usage: ReadonlyMap<string, CouponUsage>,
): AppliedCouponState[] {
  return coupons.flatMap((coupon) => {
    const used = usage.get(coupon.id);
    if (!used) return [coupon];
    if (used.terminated) return [];
    return [
      {
        ...coupon,
        remainingAmountCents: used.remainingAmountCents,
        frequencyDurationRemaining: used.frequencyDurationRemaining,
      },
    ];
  });
}

/** The writes recording what coupons have left after `after`, each conditional on the usage read. */
export function couponUsageWrites(
  table: string,
  organizationId: string,
  customerId: string,
  read: ReadonlyMap<string, CouponUsage>,
  after: readonly (AppliedCouponAfter & { readonly frequency: CouponFrequency })[],
  now: string,
) {
  return after.map((coupon) => {
    const previous = read.get(coupon.id);
    return {
      Put: {
        TableName: table,
        Item: {
          pk: organizationId,
          sk: couponUsageSk(customerId, coupon.id),
          kind: "coupon_usage",
          appliedCouponId: coupon.id,
          customerId,
          frequency: coupon.frequency,
          remainingAmountCents: coupon.remainingAmountCents,
          frequencyDurationRemaining: coupon.frequencyDurationRemaining,
          terminated: coupon.terminated,
          version: (previous?.version ?? 0) + 1,
          updatedAt: now,
        },
        ConditionExpression: previous ? "version = :version" : "attribute_not_exists(pk)",
        ...(previous ? { ExpressionAttributeValues: { ":version": previous.version } } : {}),
      },
    };
  });
}

/**
 * The writes giving back to each coupon what a voided invoice took (`recreditCoupon`), each
 * conditional on the usage read; a coupon the invoice took from always has its usage.
 */
export function couponRecreditWrites(
  table: string,
  organizationId: string,
  customerId: string,
  read: ReadonlyMap<string, CouponUsage>,
  credits: readonly CouponCredit[],
  now: string,
) {
  const given = credits.flatMap((credit) => {
    const usage = read.get(credit.appliedCouponId);
    if (!usage) return [];
    return [
      { ...recreditCoupon({ ...usage, id: usage.appliedCouponId }, credit), frequency: usage.frequency },
    ];
  });
  return couponUsageWrites(table, organizationId, customerId, read, given, now);
}
