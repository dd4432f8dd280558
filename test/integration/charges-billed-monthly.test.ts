/**
 * Yearly plans billing their charges every month (`bill_charges_monthly`), through the catalog's
 * API, invoicing's inbox and both clocks on moto: one invoice a month with the month's usage, the
 * base fee on its own interval (ahead at the start, or in arrears with the year's last month), and
 * the minimum commitment trued up over the whole year.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { handler as aggregateApi } from "../../services/aggregate/src/handlers/api.js";
import { handler as catalogApi } from "../../services/catalog/src/handlers/api.js";
import { createOrganization } from "../../services/catalog/src/organizations/create-organization.js";
import { InvoiceStore } from "../../services/invoicing/src/store/invoice-store.js";
import { OrganizationStore } from "../../shared/src/store/organization-store.js";
import { invoke } from "../support/api-events.js";
import { type AwsHarness, startAwsHarness } from "../support/aws-harness.js";
import { clocksRun } from "../support/clocks.js";
import { deliverInvoicingInbox } from "../support/invoicing.js";
import { sendUsage } from "../support/usage.js";

let aws: AwsHarness;
beforeAll(async () => {
  aws = await startAwsHarness();
});
afterAll(() => aws.stop());

const START = "2026-01-01T00:00:00.000Z";

/** An organization with a yearly plan of 120.00 billing `usage` (1.00 an event) every month. */
async function seed(name: string, plan: Record<string, unknown>) {
  const { organization, apiKey } = await createOrganization(new OrganizationStore(), { name, now: START });
  const call = async (routeKey: string, body: unknown) => {
    const answer = await invoke(catalogApi, routeKey, { apiKey, body, at: START });
    expect(answer.status, JSON.stringify(answer.body)).toBe(200);
    return answer.body;
  };
  await call("POST /api/v1/billable_metrics", {
    billable_metric: { name: "Usage", code: "usage", aggregation_type: "count_agg" },
  });
  const created = await call("POST /api/v1/plans", {
    plan: {
      name: "Yearly",
      code: "yearly",
      interval: "yearly",
      amount_cents: 12_000,
      amount_currency: "EUR",
      bill_charges_monthly: true,
      charges: [{ billable_metric_code: "usage", charge_model: "standard", properties: { amount: "1" } }],
      ...plan,
    },
  });
  expect(created.plan).toMatchObject({ bill_charges_monthly: true });
  await call("POST /api/v1/customers", { customer: { external_id: "cus_1", name: "Customer" } });
  await call("POST /api/v1/subscriptions", {
    subscription: { external_customer_id: "cus_1", plan_code: "yearly", external_id: "sub_1" },
  });
  await deliverInvoicingInbox();
  return { organizationId: organization.id, apiKey };
}

/** The first instant of each month from February 2026 to January 2027, as the clock reaches them. */
const monthStarts = Array.from({ length: 12 }, (_, month) =>
  new Date(Date.UTC(2026, month + 1, 1, 0, 5)).toISOString(),
);

async function invoiceLines(organizationId: string) {
  const invoices = await new InvoiceStore().list(organizationId);
  return invoices
    .sort((a, b) => a.createdAt.localeCompare(b.createdAt))
    .map((invoice) => ({
      on: invoice.createdAt.slice(0, 10),
      fees: invoice.fees.map((fee) => [fee.feeType, fee.units, fee.amountCents]),
    }));
}

describe("charges billed monthly on a yearly plan", () => {
  it("in arrears: each month's usage on its month's invoice, the year's fee and commitment with December's", async () => {
    const { organizationId, apiKey } = await seed("Monthly Charges Co", {
      minimum_commitment: { amount_cents: 20_000 },
    });
    await sendUsage(organizationId, "sub_1", ["2026-01-10T00:00:00.000Z", "2026-01-20T00:00:00.000Z"]);
    await sendUsage(organizationId, "sub_1", ["2026-02-14T00:00:00.000Z"]);
    await sendUsage(organizationId, "sub_1", ["2026-12-24T00:00:00.000Z"]);
    // Current usage counts the month only.
    const usage = await invoke(aggregateApi, "GET /api/v1/customers/{external_customer_id}/current_usage", {
      apiKey,
      params: { external_customer_id: "cus_1" },
      query: "external_subscription_id=sub_1",
      at: "2026-02-20T00:00:00.000Z",
    });
    expect(usage.body.customer_usage).toMatchObject({
      from_datetime: "2026-02-01T00:00:00.000Z",
      to_datetime: "2026-02-28T23:59:59.000Z",
      amount_cents: 100,
    });
    for (const now of monthStarts) await clocksRun(now);
    const lines = await invoiceLines(organizationId);
    // Twelve monthly invoices; months without usage have no fee.
    expect(lines).toHaveLength(12);
    expect(lines[0]).toEqual({ on: "2026-02-01", fees: [["charge", "2.0", 200]] });
    expect(lines[1]).toEqual({ on: "2026-03-01", fees: [["charge", "1.0", 100]] });
    expect(lines.slice(2, 11).every((line) => line.fees.length === 0)).toBe(true);
    // January 1: December's usage, the year's fee (120.00) and the commitment's shortfall over the
    // year: 200.00 − (120.00 + 2.00 + 1.00 + 1.00) = 76.00.
    expect(lines[11]).toEqual({
      on: "2027-01-01",
      fees: [
        ["subscription", "1.0", 12_000],
        ["charge", "1.0", 100],
        ["commitment", "1.0", 7600],
      ],
    });
  });

  it("in advance: the year's fee when it starts and with the next year's first invoice, usage every month", async () => {
    const { organizationId } = await seed("Monthly Charges Ahead Co", { pay_in_advance: true });
    expect(await invoiceLines(organizationId)).toEqual([
      { on: "2026-01-01", fees: [["subscription", "1.0", 12_000]] },
    ]);
    await sendUsage(organizationId, "sub_1", ["2026-03-03T00:00:00.000Z"]);
    for (const now of monthStarts) await clocksRun(now);
    const lines = await invoiceLines(organizationId);
    expect(lines).toHaveLength(13);
    expect(lines[3]).toEqual({ on: "2026-04-01", fees: [["charge", "1.0", 100]] });
    // 2027's fee ahead with December's (empty) usage.
    expect(lines[12]).toEqual({ on: "2027-01-01", fees: [["subscription", "1.0", 12_000]] });
  });
});
