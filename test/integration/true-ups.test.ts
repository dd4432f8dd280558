import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { handler as catalogApi } from "../../services/catalog/src/handlers/api.js";
import { createOrganization } from "../../services/catalog/src/organizations/create-organization.js";
import { handler as invoicingApi } from "../../services/invoicing/src/handlers/api.js";
import { handler as clock } from "../../services/invoicing/src/handlers/clock.js";
import { InvoiceStore } from "../../services/invoicing/src/store/invoice-store.js";
import { OrganizationStore } from "../../shared/src/store/organization-store.js";
import { invoke, testContext } from "../support/api-events.js";
import { type AwsHarness, startAwsHarness } from "../support/aws-harness.js";
import { deliverClockScans, deliverInvoicingInbox } from "../support/invoicing.js";
import { sendUsage } from "../support/usage.js";

let aws: AwsHarness;

beforeAll(async () => {
  aws = await startAwsHarness();
});
afterAll(async () => {
  await aws.stop();
});

const SUBSCRIPTION_AT = "2026-03-15T10:00:00Z";
/** The organization the first test seeds; the second bills its next period. */
let seeded: { organizationId: string; apiKey: string };

async function clockRun(now: string): Promise<void> {
  await clock({ now }, testContext());
  await deliverClockScans();
  await deliverInvoicingInbox();
}

async function seed() {
  const { organization, apiKey } = await createOrganization(new OrganizationStore(), {
    name: "True Up Co",
    now: SUBSCRIPTION_AT,
  });
  const call = async (routeKey: string, body: unknown) =>
    invoke(catalogApi, routeKey, { apiKey, body, at: SUBSCRIPTION_AT });
  const ok = async (routeKey: string, body: unknown) => {
    const answer = await call(routeKey, body);
    expect(answer.status, JSON.stringify(answer.body)).toBe(200);
    return answer.body;
  };
  await ok("POST /api/v1/taxes", { tax: { name: "VAT", code: "vat_20", rate: "20" } });
  await ok("POST /api/v1/billable_metrics", {
    billable_metric: { name: "Usage", code: "usage", aggregation_type: "count_agg" },
  });
  const plan = {
    name: "Pro",
    code: "pro",
    interval: "monthly",
    amount_cents: 1000,
    amount_currency: "EUR",
    minimum_commitment: {
      amount_cents: 10_000,
      invoice_display_name: "Monthly floor",
      tax_codes: ["vat_20"],
    },
    charges: [
      {
        billable_metric_code: "usage",
        charge_model: "standard",
        properties: { amount: "1" },
        min_amount_cents: 3100,
      },
    ],
  };
  // Lago refuses a spending minimum on a charge paid in advance, and stores nothing.
  const refused = await call("POST /api/v1/plans", {
    plan: {
      ...plan,
      code: "in_advance",
      charges: [{ ...plan.charges[0], pay_in_advance: true, invoiceable: true }],
    },
  });
  expect(refused.status).toBe(422);
  expect(refused.body).toMatchObject({ error: "Unprocessable Entity", code: "validation_errors" });
  expect(
    (await invoke(catalogApi, "GET /api/v1/plans/{code}", { apiKey, params: { code: "in_advance" } })).status,
  ).toBe(404);

  await ok("POST /api/v1/plans", { plan });
  await ok("POST /api/v1/customers", { customer: { external_id: "cus_1", name: "Customer" } });
  await ok("POST /api/v1/subscriptions", {
    subscription: {
      external_customer_id: "cus_1",
      plan_code: "pro",
      external_id: "sub_1",
      subscription_at: SUBSCRIPTION_AT,
    },
  });
  await deliverInvoicingInbox();
  return { organizationId: organization.id, apiKey };
}

interface ServedFee {
  lago_id: string;
  lago_true_up_fee_id: string | null;
  lago_true_up_parent_fee_id: string | null;
  amount_cents: number;
  precise_amount: string;
  taxes_amount_cents: number;
  units: string;
  events_count: number;
  item: {
    type: string;
    code: string;
    name: string;
    invoice_display_name: string;
    item_type: string;
    lago_item_id: string;
  };
}

describe("true-ups on in-arrears invoices", () => {
  it("bills a charge's spending minimum and the plan's minimum commitment, prorated on the first period", async () => {
    seeded = await seed();
    const { organizationId, apiKey } = seeded;
    // Two events in March: 2 × 1.00.
    await sendUsage(organizationId, "sub_1", ["2026-03-20T00:00:00.000Z", "2026-03-25T00:00:00.000Z"]);
    await clockRun("2026-04-01T00:05:00.000Z");

    const march = await new InvoiceStore().list(organizationId);
    expect(march).toHaveLength(1);
    const invoice = march[0];
    // March 15–31: 17 of 31 days.
    // Base fee: 1000 × 17/31 = 548.39 → 548. Charge: 2 × 100 = 200.
    // Charge minimum: 3100 × 17/31 = 1700, short by 1500.
    // Commitment: 10000 × 17/31 = 5483.87 → 5484; 5484 − (548 + 200 + 1500) = 3236, taxed 20 % = 647.2 → 647.
    expect(
      invoice?.fees.map((fee) => [fee.feeType, fee.units, fee.amountCents, fee.taxesAmountCents]),
    ).toEqual([
      ["subscription", "1.0", 548, 0],
      ["charge", "2.0", 200, 0],
      ["charge", "1.0", 1500, 0],
      ["commitment", "1.0", 3236, 647],
    ]);
    expect(invoice).toMatchObject({
      feesAmountCents: 5484,
      taxesAmountCents: 647,
      totalAmountCents: 6131,
    });

    const served = await invoke(invoicingApi, "GET /api/v1/invoices/{lago_id}", {
      apiKey,
      params: { lago_id: invoice?.id as string },
      at: "2026-04-01T01:00:00.000Z",
    });
    expect(served.status).toBe(200);
    const fees = (served.body.invoice as { fees: ServedFee[] }).fees;
    const [, parent, trueUp, commitment] = fees as [ServedFee, ServedFee, ServedFee, ServedFee];
    expect(parent.lago_true_up_fee_id).toBe(trueUp.lago_id);
    expect(parent.lago_true_up_parent_fee_id).toBeNull();
    expect(trueUp).toMatchObject({
      lago_true_up_fee_id: null,
      lago_true_up_parent_fee_id: parent.lago_id,
      amount_cents: 1500,
      units: "1.0",
      events_count: 0,
      item: { type: "charge", code: "usage", item_type: "BillableMetric" },
    });
    expect(commitment).toMatchObject({
      amount_cents: 3236,
      taxes_amount_cents: 647,
      lago_true_up_fee_id: null,
      lago_true_up_parent_fee_id: null,
      item: {
        type: "commitment",
        code: "pro",
        name: "Pro",
        invoice_display_name: "Monthly floor",
        item_type: "Commitment",
      },
    });
    // 5484 − (548.387… + 200 + 1500) = 3235.612903…
    expect(commitment.precise_amount.startsWith("32.356129")).toBe(true);
    const plan = await invoke(catalogApi, "GET /api/v1/plans/{code}", { apiKey, params: { code: "pro" } });
    expect(commitment.item.lago_item_id).toBe(
      (plan.body.plan as { minimum_commitment: { lago_id: string } }).minimum_commitment.lago_id,
    );
  });

  it("bills no charge true-up when usage reaches the minimum, and the commitment's shortfall of a whole period", async () => {
    // The first test's subscription, in April (30 days, not prorated): 40 events × 1.00.
    const { organizationId } = seeded;
    const april = Array.from(
      { length: 40 },
      (_, i) => `2026-04-${String(1 + (i % 28)).padStart(2, "0")}T12:00:00.000Z`,
    );
    await sendUsage(organizationId, "sub_1", april);
    await clockRun("2026-05-01T00:05:00.000Z");
    const invoices = await new InvoiceStore().list(organizationId);
    const invoice = invoices.find((candidate) => candidate.periodStartsAt === "2026-04-01T00:00:00.000Z");
    // Base 1000 + charge 4000 (above its 3100 minimum): 10000 − 5000 = 5000 of commitment, taxed 1000.
    expect(
      invoice?.fees.map((fee) => [fee.feeType, fee.units, fee.amountCents, fee.taxesAmountCents]),
    ).toEqual([
      ["subscription", "1.0", 1000, 0],
      ["charge", "40.0", 4000, 0],
      ["commitment", "1.0", 5000, 1000],
    ]);
    expect(invoice?.fees[1]?.trueUpFeeId ?? null).toBeNull();
    expect(invoice).toMatchObject({
      feesAmountCents: 10_000,
      taxesAmountCents: 1000,
      totalAmountCents: 11_000,
    });
  });
});
