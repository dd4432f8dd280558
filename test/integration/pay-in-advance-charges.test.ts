/**
 * Pay-in-advance charges (Lago's instant charges) against a real moto_server, driven as deployed:
 * events through the events consumer's handler, which hands them to invoicing's inbox; the
 * invoicing worker bills each at once; the billing clock closes the period. Amounts are Lago's
 * (spec/scenarios/pay_in_advance_charges_spec.rb) and checked by hand in each test.
 */
import { randomUUID } from "node:crypto";
import { ReceiveMessageCommand, SQSClient } from "@aws-sdk/client-sqs";
import { beforeAll, describe, expect, it } from "vitest";
import type { PayInAdvanceEvents } from "#shared/contracts/invoicing-messages.js";
import { documentClient } from "#shared/platform/aws-clients.js";
import { OrganizationStore } from "#shared/store/organization-store.js";
import { handler as catalogApi } from "../../services/catalog/src/handlers/api.js";
import { createOrganization } from "../../services/catalog/src/organizations/create-organization.js";
import { AdvanceFeeStore } from "../../services/invoicing/src/advance-charges/advance-fee-store.js";
import { billPayInAdvanceEvents } from "../../services/invoicing/src/advance-charges/bill-pay-in-advance-events.js";
import { handler as invoicingApi } from "../../services/invoicing/src/handlers/api.js";
import { handler as clock } from "../../services/invoicing/src/handlers/clock.js";
import { InvoiceStore, type StoredInvoice } from "../../services/invoicing/src/store/invoice-store.js";
import {
  advanceChargesHarness,
  deliverUnit,
  eventTuple as event,
  invoicesByNumber as invoicesOf,
} from "../support/advance-charges.js";
import { invoke, testContext } from "../support/api-events.js";
import { billingDeps, deliverClockScans, deliverInvoicingInbox } from "../support/invoicing.js";

const { busEvents } = advanceChargesHarness();

const START = "2026-03-01T00:00:00Z";

interface Seeded {
  readonly organizationId: string;
  readonly apiKey: string;
  readonly subscription: string;
}

/** An organization whose plan prices `calls`, `seats` and `regions` in advance, and `calls` in arrears too. */
async function seed(name: string): Promise<Seeded> {
  const { organization, apiKey } = await createOrganization(new OrganizationStore(), { name, now: START });
  const ok = async (routeKey: string, body: unknown) => {
    const answer = await invoke(catalogApi, routeKey, { apiKey, body, at: START });
    expect(answer.status, JSON.stringify(answer.body)).toBe(200);
    return answer.body;
  };
  await ok("POST /api/v1/billable_metrics", {
    billable_metric: { name: "Calls", code: "calls", aggregation_type: "count_agg" },
  });
  await ok("POST /api/v1/billable_metrics", {
    billable_metric: { name: "Seats", code: "seats", aggregation_type: "count_agg" },
  });
  await ok("POST /api/v1/billable_metrics", {
    billable_metric: {
      name: "Regional calls",
      code: "regions",
      aggregation_type: "count_agg",
      filters: [{ key: "region", values: ["eu", "us"] }],
    },
  });
  // Priced by no charge of the plan.
  await ok("POST /api/v1/billable_metrics", {
    billable_metric: { name: "Idle", code: "idle", aggregation_type: "count_agg" },
  });
  await ok("POST /api/v1/plans", {
    plan: {
      name: "Instant",
      code: "instant",
      interval: "monthly",
      amount_cents: 1000,
      amount_currency: "EUR",
      charges: [
        {
          billable_metric_code: "calls",
          charge_model: "graduated",
          pay_in_advance: true,
          invoiceable: true,
          properties: {
            graduated_ranges: [
              { from_value: 0, to_value: 2, per_unit_amount: "0", flat_amount: "0" },
              { from_value: 3, to_value: null, per_unit_amount: "2", flat_amount: "0" },
            ],
          },
        },
        // The same metric in arrears: billed by the period's invoice only.
        { billable_metric_code: "calls", charge_model: "standard", properties: { amount: "1" } },
        {
          billable_metric_code: "seats",
          charge_model: "standard",
          pay_in_advance: true,
          invoiceable: false,
          properties: { amount: "10" },
        },
        {
          billable_metric_code: "regions",
          charge_model: "standard",
          pay_in_advance: true,
          invoiceable: true,
          properties: { amount: "1" },
          filters: [
            { values: { region: ["eu"] }, properties: { amount: "5" }, invoice_display_name: "Europe" },
          ],
        },
      ],
    },
  });
  await ok("POST /api/v1/customers", {
    customer: { external_id: "cus_1", name: "Customer", currency: "EUR" },
  });
  const subscription = `sub_${randomUUID().slice(0, 8)}`;
  await ok("POST /api/v1/subscriptions", {
    subscription: {
      external_customer_id: "cus_1",
      plan_code: "instant",
      external_id: subscription,
      subscription_at: START,
    },
  });
  await deliverInvoicingInbox();
  return { organizationId: organization.id, apiKey, subscription };
}

/** Every message waiting in invoicing's inbox, left there (to be delivered twice). */
async function peekInbox(): Promise<string[]> {
  const sqs = new SQSClient({});
  try {
    const { Messages = [] } = await sqs.send(
      new ReceiveMessageCommand({
        QueueUrl: process.env.BILLING_JOBS_QUEUE_URL,
        MaxNumberOfMessages: 10,
        VisibilityTimeout: 0,
      }),
    );
    return Messages.map((message) => message.Body as string);
  } finally {
    sqs.destroy();
  }
}

describe("pay-in-advance charges", () => {
  let seeded: Seeded;
  beforeAll(async () => {
    seeded = await seed("Instant Co");
  });

  it("bills each event of an invoiceable graduated charge on its own invoice at once: 0, 0, 200", async () => {
    const { organizationId, apiKey, subscription } = seeded;
    await deliverUnit(organizationId, [
      event(subscription, "calls", "2026-03-05T10:00:00.000Z"),
      event(subscription, "calls", "2026-03-05T11:00:00.000Z"),
      event(subscription, "calls", "2026-03-05T12:00:00.000Z"),
    ]);
    await deliverInvoicingInbox();

    const invoices = await invoicesOf(organizationId);
    // [0–2] free, then 2.00 per unit: the third call is the first paid one.
    expect(
      invoices.map((invoice) => [invoice.status, invoice.totalAmountCents, invoice.sequentialId]),
    ).toEqual([
      ["finalized", 0, 1],
      ["finalized", 0, 2],
      ["finalized", 200, 3],
    ]);
    // A zero invoice is settled from the start; the other waits for its payment.
    expect(invoices.map((invoice) => invoice.paymentStatus)).toEqual(["succeeded", "succeeded", "pending"]);
    const paid = invoices[2] as StoredInvoice;
    expect(paid.invoiceType).toBe("subscription");
    expect(paid.fees).toHaveLength(1);
    expect(paid.fees[0]).toMatchObject({
      feeType: "charge",
      units: "1.0",
      amountCents: 200,
      payInAdvance: true,
    });

    const shown = await invoke(invoicingApi, "GET /api/v1/invoices/{lago_id}", {
      apiKey,
      params: { lago_id: paid.id },
    });
    const third = await invoke(invoicingApi, "GET /api/v1/fees", {
      apiKey,
      query: `event_transaction_id=${paid.fees[0]?.eventTransactionId}`,
    });
    expect(third.body.fees).toMatchObject([{ lago_invoice_id: paid.id, amount_cents: 200 }]);
    expect(shown.status).toBe(200);
    const invoice = shown.body.invoice as Record<string, unknown>;
    expect(invoice).toMatchObject({
      invoice_type: "subscription",
      status: "finalized",
      total_amount_cents: 200,
    });
    expect(invoice.billing_periods).toMatchObject([{ invoicing_reason: "in_advance_charge" }]);
    expect(invoice.fees).toMatchObject([
      { pay_in_advance: true, invoiceable: true, amount_cents: 200, units: "1.0", lago_invoice_id: paid.id },
    ]);
    const seen = await busEvents();
    const created = seen.filter((e) => e["detail-type"] === "invoice.created");
    expect(created.map((e) => e.detail.invoice.lago_id).sort()).toEqual(invoices.map((i) => i.id).sort());
    // Each fee is told too, with its invoice, before its invoice.created (Lago's webhooks).
    const told = seen
      .filter((e) => e["detail-type"] === "fee.created")
      .map((e) => e.detail.fee as unknown as Record<string, unknown>);
    expect(told.map((fee) => fee.lago_invoice_id).sort()).toEqual(invoices.map((i) => i.id).sort());
    expect(told.find((fee) => fee.lago_invoice_id === paid.id)).toMatchObject({
      amount_cents: 200,
      pay_in_advance: true,
    });
  });

  it("makes a standalone fee of a charge that is not invoiceable, served by /fees and told by fee.created", async () => {
    const { organizationId, apiKey, subscription } = seeded;
    const before = (await invoicesOf(organizationId)).length;
    const seat = event(subscription, "seats", "2026-03-06T09:00:00.000Z");
    await deliverUnit(organizationId, [seat]);
    await deliverInvoicingInbox();
    expect(await invoicesOf(organizationId)).toHaveLength(before);

    const listed = await invoke(invoicingApi, "GET /api/v1/fees", { apiKey, query: "fee_type=charge" });
    expect(listed.status).toBe(200);
    const fees = listed.body.fees as Record<string, unknown>[];
    const standalone = fees.filter((fee) => fee.lago_invoice_id === null);
    // Standard 10.00 per seat: 1000 cents, 1 unit.
    expect(standalone).toMatchObject([
      {
        amount_cents: 1000,
        units: "1.0",
        pay_in_advance: true,
        invoiceable: false,
        event_transaction_id: seat[0],
        external_subscription_id: subscription,
        payment_status: "pending",
      },
    ]);
    const id = String(standalone[0]?.lago_id);
    // Found by its event's transaction id, as Lago's fee filter does.
    const byEvent = await invoke(invoicingApi, "GET /api/v1/fees", {
      apiKey,
      query: `event_transaction_id=${seat[0]}`,
    });
    expect((byEvent.body.fees as { lago_id: string }[]).map((fee) => fee.lago_id)).toEqual([id]);
    const one = await invoke(invoicingApi, "GET /api/v1/fees/{lago_id}", { apiKey, params: { lago_id: id } });
    expect(one.status).toBe(200);
    expect(one.body.fee).toMatchObject({ lago_id: id, lago_invoice_id: null, amount_cents: 1000 });

    const told = (await busEvents()).filter(
      (e) =>
        e["detail-type"] === "fee.created" && (e.detail.fee as unknown as { lago_id: string }).lago_id === id,
    );
    expect(told).toHaveLength(1);
    expect(told[0]?.detail).toMatchObject({
      object_type: "fee",
      fee: { lago_id: id, lago_invoice_id: null },
    });
  });

  it("prices an event on the charge filter it matches, else on the charge's own properties", async () => {
    const { organizationId, subscription } = seeded;
    const before = (await invoicesOf(organizationId)).length;
    await deliverUnit(organizationId, [
      event(subscription, "regions", "2026-03-07T09:00:00.000Z", { region: "eu" }),
      event(subscription, "regions", "2026-03-07T10:00:00.000Z", { region: "us" }),
    ]);
    await deliverInvoicingInbox();
    const added = (await invoicesOf(organizationId)).slice(before);
    // eu: the filter's 5.00; us matches no filter: the charge's 1.00.
    expect(
      added.map((invoice) => [invoice.fees[0]?.filterInvoiceDisplayName ?? null, invoice.totalAmountCents]),
    ).toEqual([
      ["Europe", 500],
      [null, 100],
    ]);
  });

  it("bills an event once when the same unit and the same handover are delivered twice", async () => {
    const { organizationId, subscription } = seeded;
    const before = (await invoicesOf(organizationId)).length;
    const unit = randomUUID();
    const events = [event(subscription, "calls", "2026-03-08T10:00:00.000Z")];
    await deliverUnit(organizationId, events, unit);
    // The consumer's message redelivered: it finds its own events and hands them over again.
    await deliverUnit(organizationId, events, unit);
    // A copy from another unit is a duplicate event: never handed over.
    await deliverUnit(organizationId, events);
    const inbox = await peekInbox();
    expect(inbox.filter((body) => body.includes("pay_in_advance_events"))).toHaveLength(2);
    await deliverInvoicingInbox();
    const added = (await invoicesOf(organizationId)).slice(before);
    // The fourth call: 2.00.
    expect(added.map((invoice) => invoice.totalAmountCents)).toEqual([200]);

    // The same handover once more, straight to the use case: nothing new.
    const message = JSON.parse(inbox[0] as string) as PayInAdvanceEvents;
    const again = await billPayInAdvanceEvents(
      { ...billingDeps(), advanceFees: new AdvanceFeeStore() },
      message,
    );
    expect(again).toEqual({ billed: 0, alreadyBilled: 1 });
    expect(await invoicesOf(organizationId)).toHaveLength(before + 1);
  });

  it("bills an event once when the worker dies between its fee and its invoice", async () => {
    const { organizationId, subscription } = seeded;
    const before = await invoicesOf(organizationId);
    const deps = { ...billingDeps(), advanceFees: new AdvanceFeeStore() };
    const crashing = Object.create(deps.invoices) as InvoiceStore;
    crashing.saveOnce = async () => {
      throw new Error("worker died after the fee was written");
    };
    const message: PayInAdvanceEvents = {
      kind: "pay_in_advance_events",
      organizationId,
      externalSubscriptionId: subscription,
      subscriptionId: String(before[0]?.subscriptionId),
      periodStartsAt: "2026-03-01T00:00:00.000Z",
      periodEndsAt: "2026-04-01T00:00:00.000Z",
      events: [
        {
          transactionId: randomUUID(),
          code: "calls",
          timestamp: "2026-03-09T10:00:00.000Z",
          receivedAt: "2026-03-09T10:00:00.000Z",
          properties: {},
          preciseTotalAmountCents: null,
        },
      ],
    };
    await expect(billPayInAdvanceEvents({ ...deps, invoices: crashing }, message)).rejects.toThrow(
      "worker died",
    );
    expect(await invoicesOf(organizationId)).toHaveLength(before.length);
    // Redelivered: the fee is found written, its invoice saved and numbered once.
    expect(await billPayInAdvanceEvents(deps, message)).toEqual({ billed: 0, alreadyBilled: 1 });
    expect(await billPayInAdvanceEvents(deps, message)).toEqual({ billed: 0, alreadyBilled: 1 });
    const after = await invoicesOf(organizationId);
    expect(after).toHaveLength(before.length + 1);
    // The fifth call, numbered next in the customer's sequence.
    expect(after.at(-1)).toMatchObject({ totalAmountCents: 200, sequentialId: before.length + 1 });
  });

  it("estimates the fees an event would make, storing nothing, and refuses as Lago does", async () => {
    const { organizationId, apiKey, subscription } = seeded;
    const estimate = (event: Record<string, unknown>) =>
      invoke(invoicingApi, "POST /api/v1/events/estimate_fees", {
        apiKey,
        body: { event },
        at: "2026-03-20T00:00:00Z",
      });
    const before = (await invoicesOf(organizationId)).length;
    const calls = await estimate({ external_subscription_id: subscription, code: "calls" });
    expect(calls.status, JSON.stringify(calls.body)).toBe(200);
    // Five calls billed in March so far: a sixth is a paid one, 2.00; the in-arrears charge is no instant charge.
    expect(calls.body.fees).toMatchObject([
      {
        lago_id: null,
        lago_invoice_id: null,
        amount_cents: 200,
        units: "1.0",
        pay_in_advance: true,
        invoiceable: true,
        external_subscription_id: subscription,
        item: { code: "calls", type: "charge" },
      },
    ]);
    // Asked again: the same, since nothing was billed.
    expect((await estimate({ external_subscription_id: subscription, code: "calls" })).body).toEqual(
      calls.body,
    );
    expect(await invoicesOf(organizationId)).toHaveLength(before);

    const eu = await estimate({
      external_subscription_id: subscription,
      code: "regions",
      properties: { region: "eu" },
    });
    expect(eu.body.fees).toMatchObject([
      { amount_cents: 500, item: { filter_invoice_display_name: "Europe" } },
    ]);

    const missing = await estimate({ external_subscription_id: "sub_unknown", code: "calls" });
    expect([missing.status, missing.body.code]).toEqual([404, "subscription_not_found"]);
    const unknownMetric = await estimate({ external_subscription_id: subscription, code: "nope" });
    expect([unknownMetric.status, unknownMetric.body.code]).toEqual([404, "billable_metric_not_found"]);
    const notInstant = await estimate({ external_subscription_id: subscription, code: "idle" });
    expect(notInstant.status).toBe(422);
    expect(notInstant.body).toMatchObject({
      code: "validation_errors",
      error_details: { code: ["does_not_match_an_instant_charge"] },
    });
    const noSubscription = await estimate({ code: "calls" });
    expect([noSubscription.status, noSubscription.body.code]).toEqual([422, "validation_errors"]);
  });

  it("leaves pay-in-advance charges out of the period's invoice", async () => {
    const { organizationId } = seeded;
    await clock({ now: "2026-04-01T00:05:00.000Z" }, testContext());
    await deliverClockScans();
    await deliverInvoicingInbox();
    const periodic = (await invoicesOf(organizationId)).filter(
      (invoice) => invoice.billingPeriods?.[0]?.invoicingReason === "subscription_periodic",
    );
    expect(periodic).toHaveLength(1);
    // Base fee 10.00 and the in-arrears charge on the four calls the consumer stored (the crash
    // test's event went straight to invoicing): 4 × 1.00. No seats, no regions.
    expect(periodic[0]?.fees.map((fee) => [fee.feeType, fee.billableMetricCode, fee.amountCents])).toEqual([
      ["subscription", null, 1000],
      ["charge", "calls", 400],
    ]);
  });
});

describe("pay-in-advance charges of a subscription's own plan", () => {
  it("are priced at its plan_overrides: a seat overridden to 25.00 makes a 2500 fee", async () => {
    const { organizationId, apiKey } = await seed("Instant Override Co");
    const plan = await invoke(catalogApi, "GET /api/v1/plans/{code}", {
      apiKey,
      params: { code: "instant" },
    });
    const seats = (
      plan.body.plan as { charges: Array<{ lago_id: string; billable_metric_code: string }> }
    ).charges.find((charge) => charge.billable_metric_code === "seats");
    const created = await invoke(catalogApi, "POST /api/v1/subscriptions", {
      apiKey,
      at: START,
      body: {
        subscription: {
          external_customer_id: "cus_1",
          plan_code: "instant",
          external_id: "sub_overridden",
          subscription_at: START,
          plan_overrides: { charges: [{ id: seats?.lago_id, properties: { amount: "25" } }] },
        },
      },
    });
    expect(created.status, JSON.stringify(created.body)).toBe(200);
    await deliverInvoicingInbox();
    await deliverUnit(organizationId, [event("sub_overridden", "seats", "2026-03-06T09:00:00.000Z")]);
    await deliverInvoicingInbox();
    const listed = await invoke(invoicingApi, "GET /api/v1/fees", {
      apiKey,
      query: "external_subscription_id=sub_overridden",
    });
    expect(listed.body.fees).toMatchObject([{ amount_cents: 2500, units: "1.0", lago_invoice_id: null }]);
  });
});

describe("pay-in-advance charges on a recurring metric", () => {
  it("carry their usage across periods, and the period's invoice bills it ahead for the next", async () => {
    const { organization, apiKey } = await createOrganization(new OrganizationStore(), {
      name: "Recurring Co",
      now: START,
    });
    const ok = async (routeKey: string, body: unknown) => {
      const answer = await invoke(catalogApi, routeKey, { apiKey, body, at: START });
      expect(answer.status, JSON.stringify(answer.body)).toBe(200);
    };
    await ok("POST /api/v1/billable_metrics", {
      billable_metric: {
        name: "Storage",
        code: "storage",
        aggregation_type: "sum_agg",
        field_name: "gb",
        recurring: true,
      },
    });
    await ok("POST /api/v1/plans", {
      plan: {
        name: "Storage",
        code: "storage",
        interval: "monthly",
        amount_cents: 0,
        amount_currency: "EUR",
        charges: [
          {
            billable_metric_code: "storage",
            charge_model: "graduated",
            pay_in_advance: true,
            invoiceable: true,
            properties: {
              graduated_ranges: [
                { from_value: 0, to_value: 10, per_unit_amount: "1", flat_amount: "0" },
                { from_value: 11, to_value: null, per_unit_amount: "0.5", flat_amount: "0" },
              ],
            },
          },
        ],
      },
    });
    await ok("POST /api/v1/customers", {
      customer: { external_id: "cus_1", name: "Customer", currency: "EUR" },
    });
    await ok("POST /api/v1/subscriptions", {
      subscription: {
        external_customer_id: "cus_1",
        plan_code: "storage",
        external_id: "sub_s",
        subscription_at: START,
      },
    });
    await deliverInvoicingInbox();
    const organizationId = organization.id;

    await deliverUnit(organizationId, [
      event("sub_s", "storage", "2026-03-05T10:00:00.000Z", { gb: 8 }),
      event("sub_s", "storage", "2026-03-06T10:00:00.000Z", { gb: 4 }),
    ]);
    await deliverInvoicingInbox();
    // 8 GB at 1.00; then 2 GB at 1.00 and 2 past the first range at 0.50: 3.00.
    expect((await invoicesOf(organizationId)).map((invoice) => invoice.totalAmountCents)).toEqual([800, 300]);

    await clock({ now: "2026-04-01T00:05:00.000Z" }, testContext());
    await deliverClockScans();
    await deliverInvoicingInbox();
    const periodic = (await invoicesOf(organizationId)).filter(
      (invoice) => invoice.billingPeriods?.[0]?.invoicingReason === "subscription_periodic",
    );
    // The 12 GB carried into April, billed ahead on the invoice closing March: 10 × 1.00 + 2 × 0.50.
    expect(periodic.map((invoice) => invoice.fees.filter((fee) => fee.feeType === "charge"))).toMatchObject([
      [{ billableMetricCode: "storage", units: "12.0", amountCents: 1100 }],
    ]);
    const shown = await invoke(invoicingApi, "GET /api/v1/invoices/{lago_id}", {
      apiKey,
      params: { lago_id: String(periodic[0]?.id) },
    });
    expect((shown.body.invoice as { fees: unknown[] }).fees).toContainEqual(
      expect.objectContaining({ pay_in_advance: true, amount_cents: 1100 }),
    );

    // April: the usage billed so far carries on, so 3 more GB are all past the first range.
    await deliverUnit(
      organizationId,
      [event("sub_s", "storage", "2026-04-03T10:00:00.000Z", { gb: 3 })],
      randomUUID(),
      "2026-04-03T10:00:00.000Z",
    );
    await deliverInvoicingInbox();
    const april = (await invoicesOf(organizationId)).filter(
      (invoice) => invoice.billingPeriods?.[0]?.invoicingReason === "in_advance_charge",
    );
    expect(april.map((invoice) => invoice.totalAmountCents)).toEqual([800, 300, 150]);
  });
});

/**
 * From now on, one DynamoDB request at a time to moto: moto serves requests on threads without
 * locking its tables, so two transactions in flight there can both pass their conditions, which
 * DynamoDB never allows (invoice-numbering-concurrency.test.ts has the details). The billing calls
 * still interleave freely: they read the same usage, collide on its revision and retry.
 */
function oneRequestAtATime(): void {
  let tail: Promise<unknown> = Promise.resolve();
  documentClient().middlewareStack.add(
    (next) => (args) => {
      const turn = tail.then(() => next(args));
      tail = turn.catch(() => undefined);
      return turn;
    },
    { step: "finalizeRequest", priority: "low", name: "oneRequestAtATimeForMoto" },
  );
}

// Last in this file: it serializes the requests of what follows.
describe("concurrent events of one subscription", () => {
  it("add up to the price of the period's usage whatever order they are billed in", async () => {
    const { organizationId, subscription } = await seed("Concurrent Co");
    expect(await new InvoiceStore().list(organizationId)).toHaveLength(0);
    // Six units of one event each, consumed at once.
    await Promise.all(
      Array.from({ length: 6 }, (_, index) =>
        deliverUnit(organizationId, [event(subscription, "calls", `2026-03-0${index + 2}T10:00:00.000Z`)]),
      ),
    );
    const handovers = (await peekAll()).map((body) => JSON.parse(body) as PayInAdvanceEvents);
    expect(handovers).toHaveLength(6);
    const deps = { ...billingDeps(), advanceFees: new AdvanceFeeStore() };
    oneRequestAtATime();
    await Promise.all(handovers.map((message) => billPayInAdvanceEvents(deps, message)));
    const invoices = await invoicesOf(organizationId);
    // Six calls, two free then 2.00 each: 8.00 in all, on six invoices numbered 1 to 6.
    expect(invoices.reduce((sum, invoice) => sum + invoice.totalAmountCents, 0)).toBe(800);
    expect(invoices.map((invoice) => invoice.sequentialId)).toEqual([1, 2, 3, 4, 5, 6]);
    expect(invoices.filter((invoice) => invoice.totalAmountCents === 0)).toHaveLength(2);
  });
});

/** Takes every pay-in-advance handover waiting in invoicing's inbox (others are left for the worker). */
async function peekAll(): Promise<string[]> {
  const sqs = new SQSClient({});
  const bodies: string[] = [];
  try {
    for (;;) {
      const { Messages = [] } = await sqs.send(
        new ReceiveMessageCommand({ QueueUrl: process.env.BILLING_JOBS_QUEUE_URL, MaxNumberOfMessages: 10 }),
      );
      if (Messages.length === 0) return bodies.filter((body) => body.includes("pay_in_advance_events"));
      bodies.push(...Messages.map((message) => message.Body as string));
    }
  } finally {
    sqs.destroy();
  }
}
