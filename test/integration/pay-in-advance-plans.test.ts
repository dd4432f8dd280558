/**
 * Plans whose base fee is paid in advance, billed through the catalog's API, invoicing's inbox and
 * both clocks on moto: the first period's fee when the subscription starts, every later one on the
 * invoice closing the period before (with that period's usage), a trial's end, backdated
 * subscriptions, upgrades and downgrades, and what a termination leaves unused.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { handler as catalogApi } from "../../services/catalog/src/handlers/api.js";
import { createOrganization } from "../../services/catalog/src/organizations/create-organization.js";
import { handler as invoicingApi } from "../../services/invoicing/src/handlers/api.js";
import { InvoiceStore, type StoredInvoice } from "../../services/invoicing/src/store/invoice-store.js";
import { OrganizationStore } from "../../shared/src/store/organization-store.js";
import { invoke } from "../support/api-events.js";
import { type AwsHarness, startAwsHarness } from "../support/aws-harness.js";
import { type BusObserver, observeInvoicingEvents } from "../support/bus-observer.js";
import { clocksRun } from "../support/clocks.js";
import { deliverInvoicingInbox } from "../support/invoicing.js";
import { sendUsage } from "../support/usage.js";

let aws: AwsHarness;
let bus: BusObserver;
beforeAll(async () => {
  aws = await startAwsHarness();
  bus = await observeInvoicingEvents();
});
afterAll(async () => {
  bus.stop();
  await aws.stop();
});

interface PlanSpec {
  readonly code: string;
  readonly amountCents: number;
  readonly trialPeriod?: number;
  readonly minimumCommitmentCents?: number;
}

/** An organization with a 20 % tax, a `usage` count metric at 1.00 an event, and the given plans. */
async function seed(name: string, at: string, plans: readonly PlanSpec[]) {
  const { organization, apiKey } = await createOrganization(new OrganizationStore(), { name, now: at });
  const call = async (routeKey: string, body: unknown, when = at, params?: Record<string, string>) => {
    const answer = await invoke(catalogApi, routeKey, { apiKey, body, at: when, params });
    expect(answer.status, JSON.stringify(answer.body)).toBe(200);
    return answer.body;
  };
  await call("POST /api/v1/taxes", {
    tax: { name: "VAT", code: "vat_20", rate: "20", applied_to_organization: true },
  });
  await call("POST /api/v1/billable_metrics", {
    billable_metric: { name: "Usage", code: "usage", aggregation_type: "count_agg" },
  });
  for (const plan of plans)
    await call("POST /api/v1/plans", {
      plan: {
        name: plan.code,
        code: plan.code,
        interval: "monthly",
        amount_cents: plan.amountCents,
        amount_currency: "EUR",
        pay_in_advance: true,
        trial_period: plan.trialPeriod ?? 0,
        ...(plan.minimumCommitmentCents
          ? { minimum_commitment: { amount_cents: plan.minimumCommitmentCents } }
          : {}),
        charges: [{ billable_metric_code: "usage", charge_model: "standard", properties: { amount: "1" } }],
      },
    });
  await call("POST /api/v1/customers", { customer: { external_id: "cus_1", name: "Customer" } });
  const subscribe = async (planCode: string, when: string, subscriptionAt?: string) => {
    const body = await call(
      "POST /api/v1/subscriptions",
      {
        subscription: {
          external_customer_id: "cus_1",
          plan_code: planCode,
          external_id: "sub_1",
          ...(subscriptionAt ? { subscription_at: subscriptionAt } : {}),
        },
      },
      when,
    );
    await deliverInvoicingInbox();
    return body.subscription as { lago_id: string; status: string };
  };
  const terminate = async (when: string) => {
    await call("DELETE /api/v1/subscriptions/{external_id}", undefined, when, { external_id: "sub_1" });
    await deliverInvoicingInbox();
  };
  return { organizationId: organization.id, apiKey, call, subscribe, terminate };
}

/** The organization's invoices, oldest first, as [reason, fees as [type, from, amount], total]. */
async function invoicesOf(organizationId: string) {
  const invoices = await new InvoiceStore().list(organizationId);
  return invoices
    .sort((a, b) => a.createdAt.localeCompare(b.createdAt) || a.id.localeCompare(b.id))
    .map((invoice: StoredInvoice) => ({
      reason: invoice.billingPeriods?.[0]?.invoicingReason,
      fees: invoice.fees.map((fee) => [fee.feeType, fee.fromDatetime.slice(0, 10), fee.amountCents]),
      total: invoice.totalAmountCents,
    }));
}

describe("a plan paid in advance", () => {
  it("bills its first period when the subscription starts, then each period ahead with the last one's usage", async () => {
    const { organizationId, subscribe } = await seed("Advance Co", "2026-03-15T10:00:00.000Z", [
      { code: "pro", amountCents: 3100 },
    ]);
    await subscribe("pro", "2026-03-15T10:00:00.000Z");
    // March 15–31: 17 of 31 days × 31.00 = 17.00, VAT 3.40, on an invoice of its own at once.
    expect(await invoicesOf(organizationId)).toEqual([
      { reason: "subscription_starting", fees: [["subscription", "2026-03-15", 1700]], total: 2040 },
    ]);
    await sendUsage(organizationId, "sub_1", ["2026-03-20T00:00:00.000Z", "2026-03-25T00:00:00.000Z"]);
    await clocksRun("2026-04-01T00:05:00.000Z");
    // April's fee ahead (31.00) with March's usage in arrears (2 × 1.00): 33.00 + 6.60.
    const [, april] = await invoicesOf(organizationId);
    expect(april).toEqual({
      reason: "subscription_periodic",
      fees: [
        ["subscription", "2026-04-01", 3100],
        ["charge", "2026-03-15", 200],
      ],
      total: 3960,
    });
    // A clock run again the same day bills nothing twice.
    await clocksRun("2026-04-01T01:05:00.000Z");
    expect(await invoicesOf(organizationId)).toHaveLength(2);
  });

  it("is billed at the end of its trial, from that day; and its commitment is trued up with the fee paid ahead", async () => {
    const { organizationId, subscribe } = await seed("Trial Co", "2026-03-15T10:00:00.000Z", [
      { code: "pro", amountCents: 3100, trialPeriod: 10, minimumCommitmentCents: 10_000 },
    ]);
    await subscribe("pro", "2026-03-15T10:00:00.000Z");
    // In trial: nothing billed at the start.
    expect(await invoicesOf(organizationId)).toEqual([]);
    await clocksRun("2026-03-25T09:00:00.000Z");
    expect(await invoicesOf(organizationId)).toEqual([]);
    // The trial ends on March 25 at 10:00: March 25–31, 7 of 31 days = 7.00 (the fee's span, as
    // Lago shows it, is still the subscription's first period, from its start).
    await clocksRun("2026-03-25T10:05:00.000Z");
    expect(await invoicesOf(organizationId)).toEqual([
      { reason: "subscription_starting", fees: [["subscription", "2026-03-15", 700]], total: 840 },
    ]);
    await sendUsage(organizationId, "sub_1", ["2026-03-28T00:00:00.000Z"]);
    await clocksRun("2026-04-01T00:05:00.000Z");
    // March's commitment, 17 of 31 days of 100.00 = 54.84 → 5484, met by the 7.00 paid ahead and
    // March's usage (1.00): a true-up of 46.84.
    const [, april] = await invoicesOf(organizationId);
    expect(april).toEqual({
      reason: "subscription_periodic",
      fees: [
        ["subscription", "2026-04-01", 3100],
        ["charge", "2026-03-15", 100],
        ["commitment", "2026-03-15", 4684],
      ],
      total: Math.round((3100 + 100 + 4684) * 1.2),
    });
  });

  it("pending, is billed on its start date; in a grace period, its first invoice is a draft refreshed and finalized as any", async () => {
    const { organizationId, apiKey, call, subscribe } = await seed("Later Co", "2026-03-10T10:00:00.000Z", [
      { code: "pro", amountCents: 3100 },
    ]);
    await call("PUT /api/v1/organizations", {
      organization: { billing_configuration: { invoice_grace_period: 2 } },
    });
    const pending = await subscribe("pro", "2026-03-10T10:00:00.000Z", "2026-03-20T00:00:00Z");
    expect(pending.status).toBe("pending");
    await clocksRun("2026-03-19T23:00:00.000Z");
    expect(await invoicesOf(organizationId)).toEqual([]);
    // Activated on March 20: March 20–31, 12 of 31 days × 31.00 = 12.00, a draft for 2 days.
    await clocksRun("2026-03-20T00:05:00.000Z");
    const [draft] = await new InvoiceStore().list(organizationId);
    expect(draft).toMatchObject({
      status: "draft",
      totalAmountCents: 1440,
      expectedFinalizationDate: "2026-03-22",
    });
    // Refreshed, it is billed again the same, alone: no usage.
    await sendUsage(organizationId, "sub_1", ["2026-03-21T00:00:00.000Z"]);
    const refreshed = await invoke(invoicingApi, "PUT /api/v1/invoices/{lago_id}/refresh", {
      apiKey,
      params: { lago_id: draft?.id as string },
      at: "2026-03-21T01:00:00.000Z",
    });
    expect(refreshed.status).toBe(200);
    expect(refreshed.body.invoice).toMatchObject({
      status: "draft",
      total_amount_cents: 1440,
      invoice_type: "subscription",
      fees: [
        expect.objectContaining({
          amount_cents: 1200,
          item: expect.objectContaining({ type: "subscription" }),
        }),
      ],
    });
    // Finalized when its grace period ends; the usage goes on April's invoice.
    await clocksRun("2026-03-23T00:05:00.000Z");
    expect((await new InvoiceStore().get(organizationId, draft?.id as string))?.status).toBe("finalized");
    await clocksRun("2026-04-01T00:05:00.000Z");
    expect((await invoicesOf(organizationId))[1]).toEqual({
      reason: "subscription_periodic",
      fees: [
        ["subscription", "2026-04-01", 3100],
        ["charge", "2026-03-20", 100],
      ],
      total: 3840,
    });
  });

  it("upgraded during its trial, keeps the trial's end: the new plan is billed from then, not at the upgrade", async () => {
    const { organizationId, subscribe } = await seed("Trial Upgrade Co", "2026-03-01T00:00:00.000Z", [
      { code: "starter", amountCents: 3100, trialPeriod: 10 },
      { code: "pro", amountCents: 6200, trialPeriod: 10 },
    ]);
    await subscribe("starter", "2026-03-01T00:00:00.000Z");
    await subscribe("pro", "2026-03-05T00:00:00.000Z");
    // Nothing paid ahead yet: both in trial until March 11 (10 days from March 1).
    expect((await invoicesOf(organizationId)).flatMap((invoice) => invoice.fees)).toEqual([]);
    await clocksRun("2026-03-11T00:05:00.000Z");
    // Pro from March 11: 21 of 31 days × 62.00 = 42.00.
    const fees = (await invoicesOf(organizationId)).flatMap((invoice) => invoice.fees);
    expect(fees).toEqual([["subscription", "2026-03-05", 4200]]);
  });

  it("backdated to before it was recorded, bills its first period's usage and the next period, as Lago does", async () => {
    const { organizationId, subscribe } = await seed("Backdated Co", "2026-03-15T10:00:00.000Z", [
      { code: "pro", amountCents: 3100 },
    ]);
    await subscribe("pro", "2026-03-15T10:00:00.000Z", "2026-03-05T00:00:00Z");
    expect(await invoicesOf(organizationId)).toEqual([]);
    await sendUsage(organizationId, "sub_1", ["2026-03-20T00:00:00.000Z"]);
    await clocksRun("2026-04-01T00:05:00.000Z");
    expect(await invoicesOf(organizationId)).toEqual([
      {
        reason: "subscription_periodic",
        fees: [
          ["subscription", "2026-04-01", 3100],
          ["charge", "2026-03-05", 100],
        ],
        // 31.00 + 1.00, VAT 6.40.
        total: 3840,
      },
    ]);
  });

  it("terminated, bills its usage only and records the part of the fee it paid ahead and did not use", async () => {
    // Lago's case: 50.00 a month in advance, from February 8; terminated the same day.
    const { organizationId, subscribe, terminate } = await seed("Ended Co", "2026-02-08T00:00:00.000Z", [
      { code: "pro", amountCents: 5000 },
    ]);
    await subscribe("pro", "2026-02-08T00:00:00.000Z");
    await bus.take();
    await terminate("2026-02-08T12:00:00.000Z");
    // February 8–28: 21 of 28 days = 37.50, VAT 7.50. The termination bills no base fee.
    expect(await invoicesOf(organizationId)).toEqual([
      { reason: "subscription_starting", fees: [["subscription", "2026-02-08", 3750]], total: 4500 },
      { reason: "subscription_terminating", fees: [], total: 0 },
    ]);
    const [opening, termination] = (await new InvoiceStore().list(organizationId)).sort((a, b) =>
      a.createdAt.localeCompare(b.createdAt),
    );
    // February 9–28 unused: 20 days × 50.00 / 28 = 35.71 before taxes.
    expect(termination?.unusedAdvanceFee).toMatchObject({
      invoiceId: opening?.id,
      feeId: opening?.fees[0]?.id,
      reason: "terminated",
      unusedDays: 20,
      periodDays: 28,
      amountCents: 3571,
      currency: "EUR",
    });
    const published = (await bus.take()).filter(
      (event) => event["detail-type"] === "subscription.advance_fee_unused",
    );
    expect(published).toHaveLength(1);
    expect(published[0]?.detail.unused_advance_fee).toMatchObject({
      lago_invoice_id: opening?.id,
      unused_days: 20,
      amount_cents: 3571,
      reason: "terminated",
    });
    // The billing clock's later runs bill nothing more.
    await clocksRun("2026-03-01T00:05:00.000Z");
    expect(await invoicesOf(organizationId)).toHaveLength(2);
  });

  it("upgraded, bills the new plan from the upgrade day at once; downgraded, the lower plan from the next period", async () => {
    const { organizationId, subscribe } = await seed("Moves Co", "2026-03-01T00:00:00.000Z", [
      { code: "starter", amountCents: 3100 },
      { code: "pro", amountCents: 6200 },
    ]);
    await subscribe("starter", "2026-03-01T00:00:00.000Z");
    // Upgrade on March 20: starter's March 20–31 (12 days, 12.00) unused; pro from March 20, 12 × 2.00.
    await subscribe("pro", "2026-03-20T09:00:00.000Z");
    const afterUpgrade = await invoicesOf(organizationId);
    expect(afterUpgrade[0]).toEqual({
      reason: "subscription_starting",
      fees: [["subscription", "2026-03-01", 3100]],
      total: 3720,
    });
    // Both sides at the upgrade's instant: starter's termination and pro's start.
    expect(afterUpgrade.slice(1)).toHaveLength(2);
    // Pro's first invoice comes to 2880 (24.00 and 20 % tax), less starter's unused days if their
    // credit note (below) was made before it was finalized.
    expect(afterUpgrade.slice(1)).toEqual(
      expect.arrayContaining([
        { reason: "subscription_terminating", fees: [], total: 0 },
        {
          reason: "subscription_starting",
          fees: [["subscription", "2026-03-20", 2400]],
          total: expect.toBeOneOf([2880, 2880 - 1440]),
        },
      ]),
    );
    const terminated = (await new InvoiceStore().list(organizationId)).find(
      (invoice) => invoice.billingPeriods?.[0]?.invoicingReason === "subscription_terminating",
    );
    expect(terminated?.unusedAdvanceFee).toMatchObject({
      reason: "upgraded",
      unusedDays: 12,
      amountCents: 1200,
    });

    // Downgrade asked on March 25: pro bills April ahead no more; starter's April is billed when it starts.
    await subscribe("starter", "2026-03-25T00:00:00.000Z");
    await clocksRun("2026-04-01T00:05:00.000Z");
    const afterDowngrade = (await invoicesOf(organizationId)).slice(3);
    expect(afterDowngrade).toEqual(
      expect.arrayContaining([
        { reason: "subscription_periodic", fees: [], total: 0 },
        {
          reason: "subscription_starting",
          fees: [["subscription", "2026-04-01", 3100]],
          total: expect.toBeOneOf([3720, 3720 - 1440]),
        },
      ]),
    );
    expect(afterDowngrade).toHaveLength(2);
    // The upgrade's credit note (12.00 and its tax) is taken once, by whichever invoice of the
    // customer was finalized first after it was made.
    const invoices = await new InvoiceStore().list(organizationId);
    expect(invoices.reduce((sum, invoice) => sum + (invoice.creditNotesAmountCents ?? 0), 0)).toBe(1440);
  });
});
