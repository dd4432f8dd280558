/**
 * Applied coupons as invoicing has left them, on moto: what invoicing keeps of each one (its
 * coupon usage, written by invoicing's own `couponUsageWrites` into invoicing's table) is what the
 * applied coupons API shows, a used-up coupon is terminated (for the status filter, for Lago's
 * overlap check, never freeing a coupon that is not reusable), and a deleted customer's active
 * applied coupons are terminated with it.
 */
import { TransactWriteCommand } from "@aws-sdk/lib-dynamodb";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { handler as catalogApi } from "../../services/catalog/src/handlers/api.js";
import { couponUsageWrites, readCouponUsage } from "../../services/invoicing/src/store/coupon-usage.js";
import type { CouponFrequency } from "../../shared/src/domain/coupons/apply-coupons.js";
import { documentClient } from "../../shared/src/platform/aws-clients.js";
import { invoicingTable, resourceName } from "../../shared/src/platform/resources.js";
import { CatalogStore } from "../../shared/src/store/catalog-store.js";
import { invoke } from "../support/api-events.js";
import { type AwsHarness, startAwsHarness } from "../support/aws-harness.js";
import { type SeededCatalog, seedCatalog } from "../support/catalog-fixture.js";

let aws: AwsHarness;
const AT = "2026-03-10T09:00:00.000Z";
/** When invoicing finalized the invoices that spent the coupons. */
const SPENT_AT = "2026-04-01T01:00:00.000Z";
const USED_UP_AT = "2026-05-01T01:00:00.000Z";
const DELETED_AT = "2026-05-10T09:00:00.000Z";

beforeAll(async () => {
  aws = await startAwsHarness();
});
afterAll(() => aws.stop());

type Body = Record<string, unknown>;

function caller(org: SeededCatalog) {
  return async (
    routeKey: string,
    body?: unknown,
    options: { params?: Record<string, string>; query?: string; at?: string } = {},
  ): Promise<{ status: number; body: Body }> =>
    invoke(catalogApi, routeKey, { apiKey: org.apiKey, body, at: AT, ...options });
}

async function ok(answer: Promise<{ status: number; body: Body }>): Promise<Body> {
  const { status, body } = await answer;
  expect(status, JSON.stringify(body)).toBe(200);
  return body;
}

interface Applied {
  readonly lago_id: string;
  readonly lago_customer_id: string;
}

/** What invoicing records after a finalization leaves the coupon so, as invoicing writes it. */
async function spend(
  org: SeededCatalog,
  applied: Applied,
  frequency: CouponFrequency,
  left: { remainingAmountCents: number; frequencyDurationRemaining: number | null; terminated: boolean },
  now: string,
) {
  const table = resourceName(invoicingTable);
  const client = documentClient();
  const read = await readCouponUsage(client, table, org.organizationId, applied.lago_customer_id);
  const writes = couponUsageWrites(
    table,
    org.organizationId,
    applied.lago_customer_id,
    read,
    [{ id: applied.lago_id, frequency, ...left }],
    now,
  );
  await client.send(new TransactWriteCommand({ TransactItems: writes }));
}

const coupon = (code: string, over: Record<string, unknown> = {}) => ({
  coupon: {
    name: `Coupon ${code}`,
    code,
    coupon_type: "fixed_amount",
    amount_cents: 2_500,
    amount_currency: "EUR",
    frequency: "once",
    expiration: "no_expiration",
    reusable: false,
    ...over,
  },
});

describe("applied coupons as invoicing has spent them", () => {
  let org: SeededCatalog;
  let call: ReturnType<typeof caller>;
  beforeAll(async () => {
    org = await seedCatalog({ name: "Spent", subscriptionAt: "2026-03-01T00:00:00Z" });
    call = caller(org);
  });

  const listed = async (query = "") =>
    (await ok(call("GET /api/v1/applied_coupons", undefined, { query }))).applied_coupons as Body[];
  const ofCustomer = async (query = "") =>
    (
      await ok(
        call("GET /api/v1/customers/{external_customer_id}/applied_coupons", undefined, {
          params: { external_customer_id: org.externalCustomerId },
          query,
        }),
      )
    ).applied_coupons as Body[];
  const applyCoupon = async (code: string, over: Record<string, unknown> = {}) =>
    (
      await ok(
        call("POST /api/v1/applied_coupons", {
          applied_coupon: { external_customer_id: org.externalCustomerId, coupon_code: code, ...over },
        }),
      )
    ).applied_coupon as Applied & Body;

  it("a once fixed coupon shows what is left, then terminated when used up; still not reusable", async () => {
    await ok(call("POST /api/v1/coupons", coupon("welcome")));
    const applied = await applyCoupon("welcome");
    expect(applied).toMatchObject({ status: "active", amount_cents_remaining: 2_500 });

    await spend(
      org,
      applied,
      "once",
      { remainingAmountCents: 1_000, frequencyDurationRemaining: null, terminated: false },
      SPENT_AT,
    );
    const partly = { ...applied, status: "active", amount_cents_remaining: 1_000, credits: [] };
    expect((await listed()).find((a) => a.lago_id === applied.lago_id)).toEqual(partly);
    expect((await ofCustomer()).find((a) => a.lago_id === applied.lago_id)).toEqual(partly);

    await spend(
      org,
      applied,
      "once",
      { remainingAmountCents: 0, frequencyDurationRemaining: null, terminated: true },
      USED_UP_AT,
    );
    const usedUp = {
      ...applied,
      status: "terminated",
      amount_cents_remaining: 0,
      terminated_at: USED_UP_AT,
      credits: [],
    };
    expect((await ofCustomer()).find((a) => a.lago_id === applied.lago_id)).toEqual(usedUp);
    const ids = (list: Body[]) => list.map((a) => a.lago_id);
    expect(ids(await listed("status=terminated"))).toContain(applied.lago_id);
    expect(ids(await listed("status=active"))).not.toContain(applied.lago_id);
    expect(ids(await ofCustomer("status=active"))).not.toContain(applied.lago_id);

    // Lago refuses a coupon that is not reusable once applied, terminated or not.
    const again = await call("POST /api/v1/applied_coupons", {
      applied_coupon: { external_customer_id: org.externalCustomerId, coupon_code: "welcome" },
    });
    expect(again).toEqual({
      status: 422,
      body: {
        status: 422,
        error: "Unprocessable Entity",
        code: "validation_errors",
        error_details: { coupon: ["coupon_is_not_reusable"] },
      },
    });

    // Removed after it was used up, it stays ended when it was used up.
    const removed = await ok(
      call("DELETE /api/v1/customers/{external_customer_id}/applied_coupons/{applied_coupon_id}", undefined, {
        params: { external_customer_id: org.externalCustomerId, applied_coupon_id: applied.lago_id },
        at: DELETED_AT,
      }),
    );
    expect(removed.applied_coupon).toMatchObject({ status: "terminated", terminated_at: USED_UP_AT });
  });

  it("a recurring coupon counts its invoices down", async () => {
    await ok(
      call(
        "POST /api/v1/coupons",
        coupon("tenth", {
          coupon_type: "percentage",
          amount_cents: undefined,
          amount_currency: undefined,
          percentage_rate: "10",
          frequency: "recurring",
          frequency_duration: 3,
          reusable: true,
        }),
      ),
    );
    const applied = await applyCoupon("tenth");
    expect(applied).toMatchObject({ frequency_duration_remaining: 3, amount_cents_remaining: null });
    await spend(
      org,
      applied,
      "recurring",
      { remainingAmountCents: 0, frequencyDurationRemaining: 2, terminated: false },
      SPENT_AT,
    );
    expect((await ofCustomer()).find((a) => a.lago_id === applied.lago_id)).toEqual({
      ...applied,
      status: "active",
      frequency_duration_remaining: 2,
      amount_cents_remaining: null,
      credits: [],
    });
  });

  it("a used-up coupon limited to a plan no longer overlaps another limited to it", async () => {
    await ok(call("POST /api/v1/coupons", coupon("pro_a", { applies_to: { plan_codes: ["pro"] } })));
    await ok(call("POST /api/v1/coupons", coupon("pro_b", { applies_to: { plan_codes: ["pro"] } })));
    const first = await applyCoupon("pro_a");
    const blocked = await call("POST /api/v1/applied_coupons", {
      applied_coupon: { external_customer_id: org.externalCustomerId, coupon_code: "pro_b" },
    });
    expect(blocked.status).toBe(405);
    expect(blocked.body.code).toBe("plan_overlapping");

    await spend(
      org,
      first,
      "once",
      { remainingAmountCents: 0, frequencyDurationRemaining: null, terminated: true },
      USED_UP_AT,
    );
    expect(await applyCoupon("pro_b")).toMatchObject({ status: "active", coupon_code: "pro_b" });
  });
});

describe("a deleted customer's applied coupons", () => {
  it("are terminated with it; one removed before keeps its termination", async () => {
    const org = await seedCatalog({ name: "Leaving", subscriptionAt: "2026-03-01T00:00:00Z" });
    const call = caller(org);
    await ok(call("POST /api/v1/coupons", coupon("kept", { reusable: true })));
    const apply = async () =>
      (
        await ok(
          call("POST /api/v1/applied_coupons", {
            applied_coupon: { external_customer_id: org.externalCustomerId, coupon_code: "kept" },
          }),
        )
      ).applied_coupon as Applied;
    const active = await apply();
    const removed = await apply();
    await ok(
      call("DELETE /api/v1/customers/{external_customer_id}/applied_coupons/{applied_coupon_id}", undefined, {
        params: { external_customer_id: org.externalCustomerId, applied_coupon_id: removed.lago_id },
        at: SPENT_AT,
      }),
    );

    await ok(
      call("DELETE /api/v1/customers/{external_customer_id}", undefined, {
        params: { external_customer_id: org.externalCustomerId },
        at: DELETED_AT,
      }),
    );

    const store = new CatalogStore();
    const customerId = active.lago_customer_id;
    expect(await store.appliedCouponsOf(org.organizationId, customerId)).toEqual([]);
    const stored = await store.customerAppliedCoupons(org.organizationId, customerId);
    expect(
      Object.fromEntries(stored.map((a) => [a.id, { status: a.status, terminatedAt: a.terminatedAt }])),
    ).toEqual({
      [active.lago_id]: { status: "terminated", terminatedAt: DELETED_AT },
      [removed.lago_id]: { status: "terminated", terminatedAt: SPENT_AT },
    });
    const subscription = await store.subscriptionRecord(org.organizationId, org.externalSubscriptionId);
    expect(subscription?.subscription.status).toBe("terminated");
  });
});
