/**
 * The invoice lifecycle through lago-javascript-client on the local runtime: a draft made during
 * a grace period in the customer's timezone, refreshed after a late event, finalized by hand (its
 * number taken then) or when the grace period ends at local midnight, and voided. Every date is
 * relative to the contract clock's start, so the suite holds on any calendar day.
 */
import type { InvoiceObject } from "lago-javascript-client";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { LocalRuntime } from "../../infra/local/runtime.js";
import {
  control,
  daysFrom,
  type Lago,
  lagoError,
  notFoundError,
  startContractRuntime,
} from "../support/lago.js";

let runtime: LocalRuntime;
let lago: Lago;
let stranger: Lago;

beforeAll(async () => {
  ({ runtime, lago, stranger } = await startContractRuntime());
  await lago.billableMetrics.createBillableMetric({
    billable_metric: { name: "Builds", code: "builds", aggregation_type: "sum_agg", field_name: "minutes" },
  });
  const builds = (await lago.billableMetrics.findBillableMetric("builds")).data.billable_metric;
  // No base fee: only usage is billed, so the amounts do not depend on the day the suite starts.
  await lago.plans.createPlan({
    plan: {
      name: "Builds",
      code: "builds",
      interval: "monthly",
      amount_cents: 0,
      amount_currency: "USD",
      pay_in_advance: false,
      charges: [
        { billable_metric_id: builds.lago_id, charge_model: "standard", properties: { amount: "1.50" } },
      ],
    } as never,
  });
});
afterAll(() => runtime?.stop());

const tick = (now: string) => control(runtime, "/_local/tick", { now });

/** A customer in Los Angeles with a 3-day grace period, subscribed now, with `minutes` used. */
async function subscribedCustomer(id: string, minutes: number) {
  await lago.customers.createCustomer({
    customer: {
      external_id: id,
      name: `Customer ${id}`,
      currency: "USD",
      timezone: "America/Los_Angeles",
      billing_configuration: { invoice_grace_period: 3 },
    } as never,
  });
  const subscription = (
    await lago.subscriptions.createSubscription({
      subscription: { external_customer_id: id, plan_code: "builds", external_id: `${id}-sub` },
    })
  ).data.subscription;
  await lago.events.createEvent({
    event: {
      transaction_id: `${id}-1`,
      external_subscription_id: `${id}-sub`,
      code: "builds",
      properties: { minutes },
    },
  });
  await control(runtime, "/_local/drain");
  // Lago's inclusive end (23:59:59 local); the period closes a second later, at local midnight.
  const periodEnd = subscription.current_billing_period_ending_at as string;
  return { subscription, closesAt: new Date(Date.parse(periodEnd) + 1000).toISOString() };
}

async function invoiceOf(externalCustomerId: string): Promise<InvoiceObject> {
  const { invoices } = (await lago.invoices.findAllInvoices({ external_customer_id: externalCustomerId }))
    .data;
  expect(invoices).toHaveLength(1);
  return invoices[0] as InvoiceObject;
}

describe("an invoice's lifecycle through Lago's client", () => {
  it("drafts during the grace period, refreshes after a late event, finalizes by hand, then voids", async () => {
    const { closesAt } = await subscribedCustomer("refreshed", 7);
    await tick(daysFrom(closesAt, 1 / 24));
    const draft = await invoiceOf("refreshed");
    // 7 minutes at $1.50.
    expect(draft).toMatchObject({
      status: "draft",
      number: expect.stringMatching(/-DRAFT$/),
      sequential_id: null,
      fees_amount_cents: 1050,
      total_amount_cents: 1050,
      payment_status: "pending",
    });

    // A late event inside the billed period, sent during the grace period.
    await lago.events.createEvent({
      event: {
        transaction_id: "refreshed-late",
        external_subscription_id: "refreshed-sub",
        code: "builds",
        properties: { minutes: 3 },
        timestamp: (Date.parse(closesAt) - 60_000) / 1000,
      },
    });
    await control(runtime, "/_local/drain");
    const refreshed = (await lago.invoices.refreshInvoice(draft.lago_id)).data.invoice;
    // 10 minutes at $1.50.
    expect(refreshed).toMatchObject({ lago_id: draft.lago_id, status: "draft", total_amount_cents: 1500 });

    const finalized = (await lago.invoices.finalizeInvoice(draft.lago_id)).data.invoice;
    expect(finalized).toMatchObject({
      status: "finalized",
      sequential_id: 1,
      number: expect.stringMatching(/-001-001$/),
      total_amount_cents: 1500,
      total_due_amount_cents: 1500,
    });
    // Finalizing again finds no draft, as Lago answers; the amounts no longer change.
    expect(await lagoError(lago.invoices.finalizeInvoice(draft.lago_id))).toEqual(notFoundError("invoice"));
    expect((await lago.invoices.refreshInvoice(draft.lago_id)).data.invoice).toMatchObject({
      status: "finalized",
      total_amount_cents: 1500,
    });
    // Another organization sees none of it.
    expect(await lagoError(stranger.invoices.voidInvoice(draft.lago_id))).toEqual(notFoundError("invoice"));

    const voided = (await lago.invoices.voidInvoice(draft.lago_id)).data.invoice;
    expect(voided).toMatchObject({ status: "voided", total_due_amount_cents: 0, number: finalized.number });
    expect(voided.voided_at).not.toBeNull();
    expect(await lagoError(lago.invoices.voidInvoice(draft.lago_id))).toMatchObject({
      status: 405,
      code: "not_voidable",
    });
  });

  it("finalizes a draft when its grace period ends at local midnight in Los Angeles", async () => {
    const { closesAt } = await subscribedCustomer("graceful", 4);
    await tick(daysFrom(closesAt, 1 / 24));
    expect(await invoiceOf("graceful")).toMatchObject({ status: "draft", total_amount_cents: 600 });
    // Three local days after the period closed, less an hour: still a draft.
    await tick(daysFrom(closesAt, 3 - 1 / 24));
    expect((await invoiceOf("graceful")).status).toBe("draft");
    await tick(daysFrom(closesAt, 3 + 1 / 24));
    const finalized = await invoiceOf("graceful");
    expect(finalized).toMatchObject({ status: "finalized", total_amount_cents: 600 });
    expect(finalized.sequential_id).toEqual(expect.any(Number));
    // Issued on the day the grace period ended, in the customer's timezone.
    expect(finalized.issuing_date).toBe(
      new Intl.DateTimeFormat("en-CA", { timeZone: "America/Los_Angeles" }).format(
        new Date(daysFrom(closesAt, 3)),
      ),
    );
  });
});
