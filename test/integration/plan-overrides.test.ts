/**
 * `plan_overrides` on POST and PUT /subscriptions against a real moto_server: the subscription's
 * own child plan, shown through the subscriptions API and billed by invoicing; a bad override
 * stores nothing; the parent plan stays as it was, and takes its children with it when deleted.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { handler as catalogApi } from "../../services/catalog/src/handlers/api.js";
import { handler as catalogClock } from "../../services/catalog/src/handlers/clock.js";
import { createOrganization } from "../../services/catalog/src/organizations/create-organization.js";
import { handler as clock } from "../../services/invoicing/src/handlers/clock.js";
import { InvoiceStore } from "../../services/invoicing/src/store/invoice-store.js";
import { OrganizationStore } from "../../shared/src/store/organization-store.js";
import { invoke, testContext } from "../support/api-events.js";
import { type AwsHarness, startAwsHarness } from "../support/aws-harness.js";
import { deliverClockScans, deliverInvoicingInbox } from "../support/invoicing.js";
import { scanTables } from "../support/stored-state.js";
import { sendUsage } from "../support/usage.js";

let aws: AwsHarness;

beforeAll(async () => {
  aws = await startAwsHarness();
});
afterAll(async () => {
  await aws.stop();
});

/** Every call of the tests is made on March 1st, when the subscriptions start (no proration). */
const AT = "2026-03-01T00:00:00Z";

interface ServedCharge {
  lago_id: string;
  lago_parent_id: string | null;
  properties: Record<string, unknown>;
  min_amount_cents: number;
  invoice_display_name: string | null;
  filters: Array<{ values: Record<string, string[]>; properties: Record<string, unknown> }>;
  taxes: Array<{ code: string }>;
}
interface ServedPlan {
  lago_id: string;
  parent_id: string | null;
  code: string;
  name: string;
  amount_cents: number;
  trial_period: number;
  taxes: Array<{ code: string }>;
  minimum_commitment: { amount_cents: number; invoice_display_name: string | null } | null;
  charges: ServedCharge[];
}
interface ServedSubscription {
  lago_id: string;
  external_id: string;
  status: string;
  plan_code: string;
  plan_amount_cents: number;
  next_plan_code: string | null;
  plan: ServedPlan;
}

let apiKey: string;
let organizationId: string;
let parent: ServedPlan;

const call = (routeKey: string, options: { body?: unknown; params?: Record<string, string> } = {}) =>
  invoke(catalogApi, routeKey, { apiKey, at: AT, ...options });

async function ok(routeKey: string, options: { body?: unknown; params?: Record<string, string> } = {}) {
  const answer = await call(routeKey, options);
  expect(answer.status, JSON.stringify(answer.body)).toBe(200);
  return answer.body;
}

const subscribe = (externalId: string, planOverrides?: unknown, planCode = "pro") =>
  call("POST /api/v1/subscriptions", {
    body: {
      subscription: {
        external_customer_id: "cus_1",
        plan_code: planCode,
        external_id: externalId,
        subscription_at: AT,
        ...(planOverrides === undefined ? {} : { plan_overrides: planOverrides }),
      },
    },
  });

async function subscriptionOf(externalId: string): Promise<ServedSubscription> {
  const body = await ok("GET /api/v1/subscriptions/{external_id}", { params: { external_id: externalId } });
  return body.subscription as ServedSubscription;
}

/** Child plans stored, read from the table itself. */
async function storedChildPlans(): Promise<string[]> {
  return (await scanTables()).filter((line) => line.includes('"S":"child_plan"'));
}

const overrides = () => ({
  amount_cents: 2500,
  name: "Pro (negotiated)",
  trial_period: 0,
  tax_codes: ["vat_20"],
  minimum_commitment: { amount_cents: 9000, invoice_display_name: "Negotiated floor" },
  charges: [
    {
      id: parent.charges[0]?.lago_id,
      properties: { amount: "2" },
      invoice_display_name: "Calls (negotiated)",
      filters: [{ values: { region: ["eu"] }, properties: { amount: "3" } }],
    },
  ],
});

beforeAll(async () => {
  const created = await createOrganization(new OrganizationStore(), { name: "Overrides Co", now: AT });
  apiKey = created.apiKey;
  organizationId = created.organization.id;
  await ok("POST /api/v1/taxes", { body: { tax: { name: "VAT", code: "vat_20", rate: "20" } } });
  await ok("POST /api/v1/billable_metrics", {
    body: {
      billable_metric: {
        name: "Usage",
        code: "usage",
        aggregation_type: "count_agg",
        filters: [{ key: "region", values: ["eu", "us"] }],
      },
    },
  });
  const planBody = await ok("POST /api/v1/plans", {
    body: {
      plan: {
        name: "Pro",
        code: "pro",
        interval: "monthly",
        amount_cents: 1000,
        amount_currency: "EUR",
        minimum_commitment: { amount_cents: 5000 },
        charges: [{ billable_metric_code: "usage", charge_model: "standard", properties: { amount: "1" } }],
      },
    },
  });
  parent = planBody.plan as ServedPlan;
  await ok("POST /api/v1/plans", {
    body: {
      plan: {
        name: "Premium",
        code: "premium",
        interval: "monthly",
        amount_cents: 2000,
        amount_currency: "EUR",
      },
    },
  });
  await ok("POST /api/v1/customers", { body: { customer: { external_id: "cus_1", name: "Customer" } } });
});

describe("plan_overrides on POST /subscriptions", () => {
  it("puts the subscription on a child plan of its own, shown with the overridden values", async () => {
    const answer = await subscribe("sub_1", overrides());
    expect(answer.status, JSON.stringify(answer.body)).toBe(200);
    const created = answer.body.subscription as ServedSubscription;
    expect(created).toMatchObject({ plan_code: "pro", plan_amount_cents: 2500, status: "active" });
    const child = created.plan;
    expect(child).toMatchObject({
      parent_id: parent.lago_id,
      code: "pro",
      name: "Pro (negotiated)",
      amount_cents: 2500,
      taxes: [{ code: "vat_20" }],
      minimum_commitment: { amount_cents: 9000, invoice_display_name: "Negotiated floor" },
    });
    expect(child.lago_id).not.toBe(parent.lago_id);
    const [charge] = child.charges;
    expect(charge).toMatchObject({
      lago_parent_id: parent.charges[0]?.lago_id,
      properties: { amount: "2" },
      invoice_display_name: "Calls (negotiated)",
      filters: [{ values: { region: ["eu"] }, properties: { amount: "3" } }],
    });
    expect(charge?.lago_id).not.toBe(parent.charges[0]?.lago_id);
    expect(await subscriptionOf("sub_1")).toEqual(created);

    // The parent is unchanged, and the only plan listed.
    const listed = (await ok("GET /api/v1/plans")).plans as ServedPlan[];
    // Both plans were made at the same instant: their order is not the point.
    const byCode = [...listed].sort((a, b) => a.code.localeCompare(b.code));
    expect(byCode.map((plan) => [plan.code, plan.lago_id, plan.amount_cents])).toEqual([
      ["premium", expect.any(String), 2000],
      ["pro", parent.lago_id, 1000],
    ]);
    const served = (await ok("GET /api/v1/plans/{code}", { params: { code: "pro" } })).plan as ServedPlan;
    expect(served).toEqual(parent);
  });

  it("answers a retry with the same subscription and makes no second child plan", async () => {
    const before = await storedChildPlans();
    expect(before).toHaveLength(1);
    const again = await subscribe("sub_1", overrides());
    expect(again.status).toBe(200);
    const retried = again.body.subscription as ServedSubscription;
    const first = await subscriptionOf("sub_1");
    expect(retried.lago_id).toBe(first.lago_id);
    expect(retried.plan.lago_id).toBe(first.plan.lago_id);
    expect(await storedChildPlans()).toEqual(before);
  });

  it("gives concurrent requests for one new subscription one subscription and one child plan", async () => {
    const before = await storedChildPlans();
    const answers = await Promise.all(
      Array.from({ length: 4 }, () => subscribe("sub_5", { amount_cents: 1700 })),
    );
    expect(answers.map((answer) => answer.status)).toEqual([200, 200, 200, 200]);
    const served = answers.map((answer) => answer.body.subscription as ServedSubscription);
    expect(new Set(served.map((subscription) => subscription.lago_id)).size).toBe(1);
    expect(new Set(served.map((subscription) => subscription.plan.lago_id)).size).toBe(1);
    expect(await storedChildPlans()).toHaveLength(before.length + 1);
  });

  it("refuses bad overrides with Lago's errors, and stores nothing", async () => {
    const before = await scanTables();
    const refusals: Array<[unknown, number, unknown]> = [
      [
        { charges: [{ id: "00000000-0000-4000-8000-000000000000" }] },
        422,
        { "charges.0.id": ["charge_not_found"] },
      ],
      [{ amount_cents: -1 }, 422, { "plan_overrides.amount_cents": expect.any(Array) }],
      [{ tax_codes: ["unknown_tax"] }, 404, undefined],
      [
        { charges: [{ id: parent.charges[0]?.lago_id, properties: { amount: "abc" } }] },
        422,
        { properties: ["invalid_amount"] },
      ],
      // A charge's errors are named by the position of its override.
      [
        {
          charges: [
            { id: parent.charges[0]?.lago_id, min_amount_cents: 0 },
            { id: parent.charges[0]?.lago_id, filters: [{ values: { region: ["mars"] } }] },
          ],
        },
        422,
        { "charges.1.filters": ["invalid_values"] },
      ],
      [{ amount_currency: "USD" }, 422, { currency: ["currencies_does_not_match"] }],
      // Usage is kept by the plan's group keys: a child may not group it otherwise.
      [
        {
          charges: [
            { id: parent.charges[0]?.lago_id, properties: { amount: "2", pricing_group_keys: ["team"] } },
          ],
        },
        422,
        { "plan_overrides.charges": ["pricing_group_keys_not_overridable"] },
      ],
    ];
    for (const [planOverrides, status, details] of refusals) {
      const answer = await subscribe("sub_refused", planOverrides);
      expect(answer.status, JSON.stringify(answer.body)).toBe(status);
      if (status === 404) expect(answer.body).toMatchObject({ code: "tax_not_found" });
      else expect(answer.body).toMatchObject({ code: "validation_errors", error_details: details });
    }
    expect(await scanTables()).toEqual(before);
  });

  it("compares yearly amounts with the overridden plan when the subscription changes plan", async () => {
    expect((await subscribe("sub_3", { amount_cents: 2500 })).status).toBe(200);
    // Premium (2,000) is below the overridden 2,500, where the parent's 1,000 would make it an upgrade.
    const downgraded = (await subscribe("sub_3", undefined, "premium")).body
      .subscription as ServedSubscription;
    expect(downgraded).toMatchObject({
      status: "active",
      plan_amount_cents: 2500,
      next_plan_code: "premium",
    });
    // Overridden to 3,000, premium is an upgrade: the successor starts at once, on its own child plan.
    const answer = await subscribe("sub_3", { amount_cents: 3000 }, "premium");
    expect(answer.status, JSON.stringify(answer.body)).toBe(200);
    const upgraded = answer.body.subscription as ServedSubscription;
    expect(upgraded.lago_id).not.toBe(downgraded.lago_id);
    expect(upgraded).toMatchObject({ status: "active", plan_code: "premium", plan_amount_cents: 3000 });
    expect(upgraded.plan.parent_id).not.toBeNull();
    await deliverInvoicingInbox();
  });
});

describe("plan_overrides on PUT /subscriptions/{external_id}", () => {
  it("changes the subscription's own child plan, never the parent", async () => {
    const before = await subscriptionOf("sub_1");
    const answer = await call("PUT /api/v1/subscriptions/{external_id}", {
      params: { external_id: "sub_1" },
      // The charge named by its parent's id, as on POST; filters not sent stay as they are.
      body: { subscription: { plan_overrides: { description: "Renegotiated" } } },
    });
    expect(answer.status, JSON.stringify(answer.body)).toBe(200);
    const updated = answer.body.subscription as ServedSubscription;
    expect(updated.plan).toEqual({ ...before.plan, description: "Renegotiated" });
    expect(await storedChildPlans()).toHaveLength(4);
    const served = (await ok("GET /api/v1/plans/{code}", { params: { code: "pro" } })).plan as ServedPlan;
    expect(served).toEqual(parent);
  });

  it("makes a child plan for a subscription on the plan itself", async () => {
    // `plan_overrides: null` is no override: the subscription is on the plan itself.
    const created = await subscribe("sub_2", null);
    expect(created.status, JSON.stringify(created.body)).toBe(200);
    expect((created.body.subscription as ServedSubscription).plan).toEqual(parent);
    const answer = await call("PUT /api/v1/subscriptions/{external_id}", {
      params: { external_id: "sub_2" },
      body: { subscription: { plan_overrides: { amount_cents: 1200 } } },
    });
    expect(answer.status, JSON.stringify(answer.body)).toBe(200);
    const updated = answer.body.subscription as ServedSubscription;
    expect(updated).toMatchObject({ plan_amount_cents: 1200, plan: { parent_id: parent.lago_id } });
    await deliverInvoicingInbox();
  });
});

describe("invoices of an overridden subscription", () => {
  it("bill the overridden base fee, charge prices and taxes", async () => {
    await deliverInvoicingInbox();
    // March: 3 events without a region, priced by the charge's overridden 2.00.
    await sendUsage(organizationId, "sub_1", [
      "2026-03-05T00:00:00.000Z",
      "2026-03-06T00:00:00.000Z",
      "2026-03-07T00:00:00.000Z",
    ]);
    await clock({ now: "2026-04-01T00:05:00.000Z" }, testContext());
    await deliverClockScans();
    await deliverInvoicingInbox();
    const invoices = await new InvoiceStore().list(organizationId);
    const sub1 = await subscriptionOf("sub_1");
    const march = invoices.find((invoice) => invoice.subscriptionId === sub1.lago_id);
    // Base 2,500 (not the parent's 1,000); 3 events × 2.00 = 600; the negotiated floor 9,000 less
    // 3,100 = 5,900. Every fee taxed by the plan's overridden vat_20: 500 + 120 + 1,180.
    expect(
      march?.fees
        .filter((fee) => fee.amountCents > 0)
        .map((fee) => [fee.feeType, fee.amountCents, fee.taxesAmountCents]),
    ).toEqual([
      ["subscription", 2500, 500],
      ["charge", 600, 120],
      ["commitment", 5900, 1180],
    ]);
    expect(march).toMatchObject({ feesAmountCents: 9000, taxesAmountCents: 1800, totalAmountCents: 10_800 });
  });
});

describe("child plans follow the catalog", () => {
  it("a renamed tax and a deleted metric reach them as they reach plans", async () => {
    await ok("PUT /api/v1/taxes/{code}", { params: { code: "vat_20" }, body: { tax: { code: "vat_std" } } });
    expect((await subscriptionOf("sub_1")).plan.taxes.map((tax) => tax.code)).toEqual(["vat_std"]);
    await ok("DELETE /api/v1/billable_metrics/{code}", { params: { code: "usage" } });
    expect((await subscriptionOf("sub_1")).plan.charges).toEqual([]);
    expect((await subscriptionOf("sub_2")).plan.charges).toEqual([]);
  });
});

describe("a downgrade with plan_overrides", () => {
  it("waits for the period's end, then starts the successor on the downgrade's own child plan", async () => {
    expect((await subscribe("sub_4", { amount_cents: 2500 })).status).toBe(200);
    const asked = await subscribe(
      "sub_4",
      { amount_cents: 1500, description: "Premium, reduced" },
      "premium",
    );
    expect(asked.status, JSON.stringify(asked.body)).toBe(200);
    const waiting = asked.body.subscription as ServedSubscription;
    // Still on its own plan until March ends; the downgrade is compared with the overridden 2,500.
    expect(waiting).toMatchObject({ status: "active", plan_amount_cents: 2500, next_plan_code: "premium" });
    await deliverInvoicingInbox();

    await catalogClock({ now: "2026-04-01T00:05:00.000Z" }, testContext());
    await deliverInvoicingInbox();
    const switched = await subscriptionOf("sub_4");
    expect(switched.lago_id).not.toBe(waiting.lago_id);
    expect(switched).toMatchObject({ status: "active", plan_code: "premium", plan_amount_cents: 1500 });
    const premium = (await ok("GET /api/v1/plans/{code}", { params: { code: "premium" } }))
      .plan as ServedPlan;
    expect(switched.plan).toMatchObject({ parent_id: premium.lago_id, description: "Premium, reduced" });
    expect(premium.amount_cents).toBe(2000);
  });
});

describe("deleting a plan with child plans", () => {
  it("ends the subscriptions on its children too, and keeps their plans readable", async () => {
    const before = await subscriptionOf("sub_1");
    await ok("DELETE /api/v1/plans/{code}", { params: { code: "pro" } });
    const after = await subscriptionOf("sub_1");
    expect(after.status).toBe("terminated");
    expect(after.plan).toEqual(before.plan);
    expect((await subscriptionOf("sub_2")).status).toBe("terminated");
    // What is left: the children of premium (sub_3's upgrade, sub_4's downgrade).
    expect(await storedChildPlans()).toHaveLength(2);
    await deliverInvoicingInbox();
  });
});
