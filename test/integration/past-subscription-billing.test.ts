import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { handler as catalogApi } from "../../services/catalog/src/handlers/api.js";
import { runDueSubscription } from "../../services/invoicing/src/billing/close-due-periods.js";
import { InvoiceStore } from "../../services/invoicing/src/store/invoice-store.js";
import { invoke } from "../support/api-events.js";
import { type AwsHarness, startAwsHarness } from "../support/aws-harness.js";
import { seedCatalog } from "../support/catalog-fixture.js";
import { billingDeps, deliverInvoicingInbox, dueJobs } from "../support/invoicing.js";
import { sendUsage } from "../support/usage.js";

let aws: AwsHarness;

beforeAll(async () => {
  aws = await startAwsHarness();
});
afterAll(() => aws.stop());

/** Runs the billing clock at `now` for one organization, and each job it hands out. */
async function tick(now: string, organizationId: string): Promise<number> {
  // Invoicing first hears of what the catalog did (new subscriptions), as its inbox would tell it.
  await deliverInvoicingInbox();
  const jobs = await dueJobs(now, organizationId);
  for (const job of jobs) await runDueSubscription(job, billingDeps());
  return jobs.length;
}

/** Each invoice of the organization as [period start, base fee, charge fee, total], oldest first. */
async function invoicesOf(organizationId: string) {
  const invoices = await new InvoiceStore().list(organizationId);
  return invoices
    .sort((a, b) => a.periodStartsAt.localeCompare(b.periodStartsAt))
    .map((invoice) => [
      invoice.periodStartsAt.slice(0, 10),
      invoice.fees.find((fee) => fee.feeType === "subscription")?.amountCents,
      invoice.fees.find((fee) => fee.feeType === "charge")?.amountCents ?? 0,
      invoice.totalAmountCents,
    ]);
}

const PLAN = { planAmountCents: 3100, unitPrice: "0.5" } as const;

describe("a subscription_at in the past", () => {
  it("starts then, and is first billed for the period it was created in, in full", async () => {
    // Created on March 15 with a start on January 10.
    const seeded = await seedCatalog({
      ...PLAN,
      name: "Backdated",
      subscriptionAt: "2026-01-10T00:00:00Z",
      at: "2026-03-15T12:00:00Z",
    });
    await sendUsage(seeded.organizationId, seeded.externalSubscriptionId, [
      "2026-01-20T00:00:00.000Z",
      "2026-02-10T00:00:00.000Z",
      "2026-03-05T00:00:00.000Z",
      "2026-03-20T00:00:00.000Z",
    ]);
    const subscription = await invoke(catalogApi, "GET /api/v1/subscriptions/{external_id}", {
      apiKey: seeded.apiKey,
      params: { external_id: seeded.externalSubscriptionId },
      at: "2026-03-15T12:00:00Z",
    });
    expect(subscription.body.subscription).toMatchObject({
      status: "active",
      started_at: "2026-01-10T00:00:00.000Z",
      current_billing_period_started_at: "2026-03-01T00:00:00.000Z",
    });

    // January and February closed before it existed: nothing is due for them, ever.
    expect(await tick("2026-03-15T12:15:00.000Z", seeded.organizationId)).toBe(0);
    expect(await tick("2026-03-31T23:59:59.999Z", seeded.organizationId)).toBe(0);
    expect(await tick("2026-04-01T00:15:00.000Z", seeded.organizationId)).toBe(1);
    // March in full (31/31 × 31.00 EUR), and its two events (March 5, March 20) × 0.50 EUR.
    expect(await invoicesOf(seeded.organizationId)).toEqual([["2026-03-01", 3100, 100, 3200]]);

    // Then every period as usual.
    expect(await tick("2026-05-01T00:15:00.000Z", seeded.organizationId)).toBe(1);
    expect(await invoicesOf(seeded.organizationId)).toEqual([
      ["2026-03-01", 3100, 100, 3200],
      ["2026-04-01", 3100, 0, 3100],
    ]);
  });

  it("created on a billing day, the period that just closed is billed (prorated from the start)", async () => {
    // Created on March 1 at 10:00 with a start on February 10: Lago's clock runs of March 1
    // bill February, from the 10th.
    const seeded = await seedCatalog({
      ...PLAN,
      name: "Billing Day",
      subscriptionAt: "2026-02-10T00:00:00Z",
      at: "2026-03-01T10:00:00Z",
    });
    await sendUsage(seeded.organizationId, seeded.externalSubscriptionId, ["2026-02-15T00:00:00.000Z"]);
    // Already due when invoicing hears of it: billed then, before the next clock run.
    expect(await tick("2026-03-01T10:15:00.000Z", seeded.organizationId)).toBe(0);
    // February 10–28: 19 of 28 days × 31.00 EUR = 21.0357… → 21.04 EUR; one event, 0.50 EUR.
    expect(await invoicesOf(seeded.organizationId)).toEqual([["2026-02-01", 2104, 50, 2154]]);
    expect(await tick("2026-03-31T00:00:00.000Z", seeded.organizationId)).toBe(0);
    expect(await tick("2026-04-01T00:15:00.000Z", seeded.organizationId)).toBe(1);
    expect((await invoicesOf(seeded.organizationId))[1]).toEqual(["2026-03-01", 3100, 0, 3100]);
  });

  it("anniversary periods: the period holding the creation day is the first billed, in full", async () => {
    const seeded = await seedCatalog({
      ...PLAN,
      name: "Anniversary",
      subscriptionAt: "2026-03-05T00:00:00Z",
      at: "2026-03-05T08:00:00Z",
    });
    // A second subscription of the same customer, anniversary from January 20, created March 5.
    const created = await invoke(catalogApi, "POST /api/v1/subscriptions", {
      apiKey: seeded.apiKey,
      at: "2026-03-05T08:00:00Z",
      body: {
        subscription: {
          external_customer_id: seeded.externalCustomerId,
          plan_code: "pro",
          external_id: "sub_anniversary",
          billing_time: "anniversary",
          subscription_at: "2026-01-20T00:00:00Z",
        },
      },
    });
    expect(created.body.subscription).toMatchObject({
      current_billing_period_started_at: "2026-02-20T00:00:00.000Z",
      current_billing_period_ending_at: "2026-03-19T23:59:59.000Z",
    });
    expect(await tick("2026-03-20T00:15:00.000Z", seeded.organizationId)).toBe(1);
    const invoices = await new InvoiceStore().list(seeded.organizationId);
    const anniversary = invoices.filter((invoice) => invoice.externalSubscriptionId === "sub_anniversary");
    // February 20 – March 19 in full; January 20 – February 19 is never billed.
    expect(
      anniversary.map((invoice) => [
        invoice.periodStartsAt,
        invoice.fees[0]?.amountCents,
        invoice.totalAmountCents,
      ]),
    ).toEqual([["2026-02-20T00:00:00.000Z", 3100, 3100]]);
  });
});
