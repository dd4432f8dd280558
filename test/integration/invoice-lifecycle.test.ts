/**
 * The invoice lifecycle against a real moto_server, driven as deployed: the billing clock's
 * handler, its scanners and the invoicing worker through their queues, the catalog's and the
 * invoices' API handlers. Drafts made during a grace period are refreshed and finalized by the
 * clock's runs, or at once through the API; finalized invoices can be voided.
 */
import { randomUUID } from "node:crypto";
import type { SQSBatchResponse } from "aws-lambda";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { handler as eventsConsumer } from "../../services/aggregate/src/handlers/events-consumer.js";
import { handler as catalogApi } from "../../services/catalog/src/handlers/api.js";
import { handler as invoicingApi } from "../../services/invoicing/src/handlers/api.js";
import { handler as clock } from "../../services/invoicing/src/handlers/clock.js";
import { finalizeInvoice } from "../../services/invoicing/src/invoices/finalize-invoice.js";
import { InvoiceStore, type StoredInvoice } from "../../services/invoicing/src/store/invoice-store.js";
import { invoke, testContext } from "../support/api-events.js";
import { type AwsHarness, startAwsHarness } from "../support/aws-harness.js";
import { type BusObserver, observeInvoicingEvents } from "../support/bus-observer.js";
import { type SeedOptions, seedCatalog as seedCatalogOnly } from "../support/catalog-fixture.js";
import { billingDeps, deliverClockScans, deliverInvoicingInbox } from "../support/invoicing.js";
import { sqsEvent } from "../support/sqs-events.js";

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

interface Observed {
  readonly type: string;
  readonly invoiceId: string;
  readonly uniqueKey: string;
  readonly invoice: Record<string, unknown>;
}
const observed: Observed[] = [];

/** Every invoicing event published on the bus so far, in order. */
async function publishedEvents(): Promise<Observed[]> {
  for (const event of await bus.take())
    observed.push({
      type: event["detail-type"],
      invoiceId: String(event.detail.invoice.lago_id),
      uniqueKey: event.detail.unique_key,
      invoice: event.detail.invoice,
    });
  return observed;
}

const eventsOf = async (invoiceId: string) =>
  (await publishedEvents()).filter((event) => event.invoiceId === invoiceId).map((event) => event.type);

/** A billable setup made through the catalog's API, and invoicing told of it. */
async function seedCatalog(options: SeedOptions) {
  const seeded = await seedCatalogOnly(options);
  await deliverInvoicingInbox();
  return seeded;
}

/** A run of the billing clock at `now`, as the scheduler starts it, down to the last job it fans out. */
async function clockRun(now: string): Promise<void> {
  await clock({ now }, testContext());
  await deliverClockScans();
  await deliverInvoicingInbox();
}

async function onlyInvoice(organizationId: string): Promise<StoredInvoice> {
  const invoices = await new InvoiceStore().list(organizationId);
  expect(invoices).toHaveLength(1);
  return invoices[0] as StoredInvoice;
}

async function catalogCall(apiKey: string, routeKey: string, body: unknown, at: string) {
  const answer = await invoke(catalogApi, routeKey, { apiKey, body, at });
  expect(answer.status, JSON.stringify(answer.body)).toBe(200);
}

/**
 * A usage event delivered through the events consumer, as deployed, received at `receivedAt` (by
 * default at its timestamp): one received after its period closed is late, and invoicing is told.
 */
async function deliverEvent(
  organizationId: string,
  externalSubscriptionId: string,
  timestamp: string,
  receivedAt = timestamp,
) {
  const body = JSON.stringify({
    unitId: randomUUID(),
    organizationId,
    receivedAt,
    events: [[randomUUID(), externalSubscriptionId, "usage", timestamp, {}, null]],
  });
  const answer = (await eventsConsumer(sqsEvent([body]), testContext())) as SQSBatchResponse;
  expect(answer.batchItemFailures).toEqual([]);
  await deliverInvoicingInbox();
}

describe("grace periods that end", () => {
  it("end at local midnight in America/Los_Angeles and in Asia/Kathmandu, not on the UTC date", async () => {
    // July in each zone, with a grace period of 3 days: billed on August 1, finalized on August 4.
    const pacific = await seedCatalog({
      name: "Pacific",
      timezone: "America/Los_Angeles",
      subscriptionAt: "2026-07-01T07:00:00Z",
      gracePeriodDays: 3,
    });
    const himalaya = await seedCatalog({
      name: "Himalaya",
      timezone: "Asia/Kathmandu",
      subscriptionAt: "2026-06-30T18:15:00Z",
      gracePeriodDays: 3,
    });
    // Kathmandu's customers pay within 15 days (their organization's net payment term).
    await catalogCall(
      himalaya.apiKey,
      "PUT /api/v1/organizations",
      { organization: { net_payment_term: 15 } },
      "2026-07-01T00:00:00Z",
    );

    // August 1 begins at 18:15 UTC on July 31 in Kathmandu (+05:45), at 07:00 UTC in Los Angeles (−07:00).
    await clockRun("2026-07-31T18:15:00.000Z");
    await clockRun("2026-08-01T07:00:00.000Z");
    const pacificDraft = await onlyInvoice(pacific.organizationId);
    const himalayaDraft = await onlyInvoice(himalaya.organizationId);
    for (const draft of [pacificDraft, himalayaDraft]) {
      expect(draft).toMatchObject({
        status: "draft",
        billingDate: "2026-08-01",
        issuingDate: "2026-08-04",
        expectedFinalizationDate: "2026-08-04",
        sequentialId: null,
      });
      expect(await eventsOf(draft.id)).toEqual(["invoice.drafted"]);
    }

    // 23:45 on August 3 in Kathmandu: still within the grace period.
    await clockRun("2026-08-03T18:00:00.000Z");
    expect(await onlyInvoice(himalaya.organizationId)).toMatchObject({ status: "draft" });
    // Midnight of August 4 in Kathmandu, still August 3 in UTC: Lago would wait for the UTC date.
    await clockRun("2026-08-03T18:15:00.000Z");
    expect(await onlyInvoice(himalaya.organizationId)).toMatchObject({
      status: "finalized",
      sequentialId: 1,
      number: expect.stringMatching(/^HIM-[0-9A-F]{4}-001-001$/),
      issuingDate: "2026-08-04",
      paymentDueDate: "2026-08-19",
      netPaymentTermDays: 15,
      totalAmountCents: 1000,
    });
    expect(await eventsOf(himalayaDraft.id)).toEqual(["invoice.drafted", "invoice.created"]);

    // The UTC date is August 4 (Lago finalizes then), but it is 17:15 on August 3 in Los Angeles.
    await clockRun("2026-08-04T00:15:00.000Z");
    expect(await onlyInvoice(pacific.organizationId)).toMatchObject({ status: "draft" });
    await clockRun("2026-08-04T06:45:00.000Z");
    expect(await onlyInvoice(pacific.organizationId)).toMatchObject({ status: "draft" });
    await clockRun("2026-08-04T07:00:00.000Z");
    expect(await onlyInvoice(pacific.organizationId)).toMatchObject({
      status: "finalized",
      sequentialId: 1,
      issuingDate: "2026-08-04",
      paymentDueDate: "2026-08-04",
    });
    expect(await eventsOf(pacificDraft.id)).toEqual(["invoice.drafted", "invoice.created"]);

    // Later runs change nothing, and publish nothing again.
    await clockRun("2026-08-04T07:15:00.000Z");
    expect(await onlyInvoice(pacific.organizationId)).toMatchObject({ status: "finalized", sequentialId: 1 });
    expect(await eventsOf(pacificDraft.id)).toEqual(["invoice.drafted", "invoice.created"]);
  });

  it("shortened in the catalog, finalizes the drafts now past it on the next run, not before", async () => {
    // One customer with a grace period of its own, one following its organization's.
    const own = await seedCatalog({
      name: "Own Grace",
      subscriptionAt: "2026-05-01T00:00:00Z",
      gracePeriodDays: 10,
    });
    const inherited = await seedCatalog({ name: "Org Grace", subscriptionAt: "2026-05-01T00:00:00Z" });
    await catalogCall(
      inherited.apiKey,
      "PUT /api/v1/organizations",
      { organization: { billing_configuration: { invoice_grace_period: 10 } } },
      "2026-05-01T00:00:00Z",
    );
    await clockRun("2026-06-01T00:00:00.000Z");
    for (const seeded of [own, inherited])
      expect(await onlyInvoice(seeded.organizationId)).toMatchObject({
        status: "draft",
        issuingDate: "2026-06-11",
      });

    // On June 3, both grace periods become 1 day: June 2 has passed.
    await catalogCall(
      own.apiKey,
      "POST /api/v1/customers",
      {
        customer: { external_id: own.externalCustomerId, billing_configuration: { invoice_grace_period: 1 } },
      },
      "2026-06-03T09:00:00Z",
    );
    await catalogCall(
      inherited.apiKey,
      "PUT /api/v1/organizations",
      { organization: { billing_configuration: { invoice_grace_period: 1 } } },
      "2026-06-03T09:00:00Z",
    );
    // The catalog owns the settings; invoicing reads them on its next run.
    for (const seeded of [own, inherited])
      expect(await onlyInvoice(seeded.organizationId)).toMatchObject({ status: "draft" });
    await clockRun("2026-06-03T09:15:00.000Z");
    for (const seeded of [own, inherited]) {
      const invoice = await onlyInvoice(seeded.organizationId);
      // Issued on the day it was finalized, as Lago issues it.
      expect(invoice).toMatchObject({ status: "finalized", sequentialId: 1, issuingDate: "2026-06-03" });
      expect(await eventsOf(invoice.id)).toEqual(["invoice.drafted", "invoice.created"]);
    }
  });

  it("lengthened, moves a draft's dates on the next run, and finalizes it at its new end", async () => {
    const seeded = await seedCatalog({
      name: "Longer",
      subscriptionAt: "2026-05-01T00:00:00Z",
      gracePeriodDays: 2,
    });
    await clockRun("2026-06-01T00:00:00.000Z");
    expect(await onlyInvoice(seeded.organizationId)).toMatchObject({ issuingDate: "2026-06-03" });
    await catalogCall(
      seeded.apiKey,
      "POST /api/v1/customers",
      {
        customer: {
          external_id: seeded.externalCustomerId,
          billing_configuration: { invoice_grace_period: 5 },
        },
      },
      "2026-06-02T00:00:00Z",
    );
    await clockRun("2026-06-02T00:15:00.000Z");
    expect(await onlyInvoice(seeded.organizationId)).toMatchObject({
      status: "draft",
      issuingDate: "2026-06-06",
      expectedFinalizationDate: "2026-06-06",
    });
    await clockRun("2026-06-03T00:00:00.000Z");
    expect(await onlyInvoice(seeded.organizationId)).toMatchObject({ status: "draft" });
    await clockRun("2026-06-06T00:00:00.000Z");
    expect(await onlyInvoice(seeded.organizationId)).toMatchObject({
      status: "finalized",
      issuingDate: "2026-06-06",
    });
  });
});

describe("late usage during a grace period", () => {
  it("changes the draft on the next clock run, and never an invoice once finalized", async () => {
    const seeded = await seedCatalog({
      name: "Latecomer",
      subscriptionAt: "2026-09-01T00:00:00Z",
      gracePeriodDays: 3,
      unitPrice: "2",
    });
    const { organizationId, externalSubscriptionId } = seeded;
    await deliverEvent(organizationId, externalSubscriptionId, "2026-09-10T00:00:00.000Z");
    await clockRun("2026-10-01T00:00:00.000Z");
    const draft = await onlyInvoice(organizationId);
    // 10.00 base fee + 1 unit × 2.00.
    expect(draft).toMatchObject({ status: "draft", totalAmountCents: 1200 });

    // Two September events arrive during the grace period: the draft is flagged, not changed yet.
    const duringGrace = "2026-10-01T12:00:00.000Z";
    await deliverEvent(organizationId, externalSubscriptionId, "2026-09-20T00:00:00.000Z", duringGrace);
    await deliverEvent(organizationId, externalSubscriptionId, "2026-09-29T23:00:00.000Z", duringGrace);
    expect(await onlyInvoice(organizationId)).toMatchObject({
      totalAmountCents: 1200,
      readyToBeRefreshed: true,
    });
    await clockRun("2026-10-02T00:00:00.000Z");
    const refreshed = await onlyInvoice(organizationId);
    expect(refreshed).toMatchObject({
      id: draft.id,
      status: "draft",
      number: draft.number,
      totalAmountCents: 1600,
      feesAmountCents: 1600,
      createdAt: draft.createdAt,
      updatedAt: "2026-10-02T00:00:00.000Z",
    });
    expect(refreshed.readyToBeRefreshed).toBeUndefined();
    expect(refreshed.fees.map((fee) => [fee.feeType, fee.units, fee.amountCents])).toEqual([
      ["subscription", "1.0", 1000],
      ["charge", "3.0", 600],
    ]);
    // A refresh publishes nothing.
    expect(await eventsOf(draft.id)).toEqual(["invoice.drafted"]);

    // One more just before the grace period ends is billed too: finalization refreshes first.
    await deliverEvent(
      organizationId,
      externalSubscriptionId,
      "2026-09-30T12:00:00.000Z",
      "2026-10-03T23:00:00.000Z",
    );
    await clockRun("2026-10-04T00:00:00.000Z");
    const finalized = await onlyInvoice(organizationId);
    expect(finalized).toMatchObject({ status: "finalized", sequentialId: 1, totalAmountCents: 1800 });

    // After finalization a late event is kept in September's usage, never on the invoice.
    await deliverEvent(
      organizationId,
      externalSubscriptionId,
      "2026-09-15T00:00:00.000Z",
      "2026-10-04T00:10:00.000Z",
    );
    await clockRun("2026-10-04T00:15:00.000Z");
    const after = await onlyInvoice(organizationId);
    expect(after).toEqual(finalized);
    expect(after.readyToBeRefreshed).toBeUndefined();
    const refresh = await invoke(invoicingApi, "PUT /api/v1/invoices/{lago_id}/refresh", {
      apiKey: seeded.apiKey,
      params: { lago_id: draft.id },
      at: "2026-10-05T00:00:00Z",
    });
    expect(refresh.status).toBe(200);
    expect(refresh.body.invoice).toMatchObject({ status: "finalized", total_amount_cents: 1800 });
    expect(await onlyInvoice(organizationId)).toEqual(finalized);
    expect(await eventsOf(draft.id)).toEqual(["invoice.drafted", "invoice.created"]);
  });
});

describe("refresh, finalize and void through the invoices API", () => {
  it("answers as Lago does, and a refused request changes nothing", async () => {
    const seeded = await seedCatalog({
      name: "Manual",
      subscriptionAt: "2026-03-01T00:00:00Z",
      gracePeriodDays: 5,
      unitPrice: "0.25",
    });
    const stranger = await seedCatalog({ name: "Stranger", subscriptionAt: "2026-03-01T00:00:00Z" });
    await clockRun("2026-04-01T00:00:00.000Z");
    const draft = await onlyInvoice(seeded.organizationId);
    const call = (route: string, at: string, options: { apiKey?: string; body?: unknown } = {}) =>
      invoke(invoicingApi, route, {
        apiKey: options.apiKey ?? seeded.apiKey,
        params: { lago_id: draft.id },
        at,
        body: options.body,
      });
    const refresh = (at: string, apiKey?: string) =>
      call("PUT /api/v1/invoices/{lago_id}/refresh", at, apiKey ? { apiKey } : {});
    const finalize = (at: string, apiKey?: string) =>
      call("PUT /api/v1/invoices/{lago_id}/finalize", at, apiKey ? { apiKey } : {});
    const voidIt = (at: string, body?: unknown, apiKey?: string) =>
      call("POST /api/v1/invoices/{lago_id}/void", at, { body, ...(apiKey ? { apiKey } : {}) });
    const notFound = { status: 404, body: { status: 404, error: "Not Found", code: "invoice_not_found" } };
    const notVoidable = {
      status: 405,
      body: { status: 405, error: "Method Not Allowed", code: "not_voidable" },
    };

    // Another organization's invoice does not exist for it.
    expect(await refresh("2026-04-02T00:00:00Z", stranger.apiKey)).toEqual(notFound);
    expect(await finalize("2026-04-02T00:00:00Z", stranger.apiKey)).toEqual(notFound);
    expect(await voidIt("2026-04-02T00:00:00Z", undefined, stranger.apiKey)).toEqual(notFound);
    const unknown = await invoke(invoicingApi, "PUT /api/v1/invoices/{lago_id}/finalize", {
      apiKey: seeded.apiKey,
      params: { lago_id: randomUUID() },
    });
    expect(unknown).toEqual(notFound);
    // A draft cannot be voided.
    expect(await voidIt("2026-04-02T00:00:00Z")).toEqual(notVoidable);
    expect(await onlyInvoice(seeded.organizationId)).toEqual(draft);

    // A late March event flags the draft; a refresh counts it at once, without waiting for the clock.
    await deliverEvent(seeded.organizationId, seeded.externalSubscriptionId, "2026-04-01T00:00:00.000Z");
    await deliverEvent(
      seeded.organizationId,
      seeded.externalSubscriptionId,
      "2026-03-31T10:00:00.000Z",
      "2026-04-02T09:00:00.000Z",
    );
    expect(await onlyInvoice(seeded.organizationId)).toMatchObject({ readyToBeRefreshed: true });
    const refreshed = await refresh("2026-04-02T10:00:00Z");
    expect(refreshed.status).toBe(200);
    // 10.00 + 1 March unit × 0.25 (the April one belongs to April).
    expect(refreshed.body.invoice).toMatchObject({
      lago_id: draft.id,
      status: "draft",
      number: draft.number,
      fees_amount_cents: 1025,
      total_amount_cents: 1025,
      issuing_date: "2026-04-06",
      customer: { external_id: seeded.externalCustomerId },
    });

    // Finalized at once, during its grace period: issued today, numbered, published once.
    const finalized = await finalize("2026-04-03T08:00:00Z");
    expect(finalized.status).toBe(200);
    expect(finalized.body.invoice).toMatchObject({
      lago_id: draft.id,
      status: "finalized",
      sequential_id: 1,
      number: expect.stringMatching(/^MAN-[0-9A-F]{4}-001-001$/),
      issuing_date: "2026-04-03",
      payment_due_date: "2026-04-03",
      total_amount_cents: 1025,
      total_due_amount_cents: 1025,
      voided_at: null,
    });
    // Lago finds only drafts to finalize; a refresh answers the invoice unchanged.
    expect(await finalize("2026-04-03T09:00:00Z")).toEqual(notFound);
    const unchanged = await refresh("2026-04-03T09:00:00Z");
    expect(unchanged.body.invoice).toEqual(finalized.body.invoice);
    // The clock, when the grace period ends, finds nothing left to finalize; the invoice was due
    // on April 3 and is unpaid, so it is overdue now, told once.
    await clockRun("2026-04-06T00:00:00.000Z");
    expect(await eventsOf(draft.id)).toEqual([
      "invoice.drafted",
      "invoice.created",
      "invoice.payment_overdue",
    ]);
    const final = await onlyInvoice(seeded.organizationId);

    // Credit notes past what the invoice can credit, or a wrong parameter, are a 422.
    expect(await voidIt("2026-04-04T00:00:00Z", { generate_credit_note: true, credit_amount: 1026 })).toEqual(
      {
        status: 422,
        body: {
          status: 422,
          error: "Unprocessable Entity",
          code: "validation_errors",
          error_details: { credit_refund_amount: ["total_amount_exceeds_invoice_amount"] },
        },
      },
    );
    expect(await voidIt("2026-04-04T00:00:00Z", { generate_credit_note: "maybe" })).toMatchObject({
      status: 422,
      body: { code: "validation_errors", error_details: { generate_credit_note: ["value_is_invalid"] } },
    });
    expect(await onlyInvoice(seeded.organizationId)).toEqual(final);

    const voided = await voidIt("2026-04-04T00:00:00Z", { generate_credit_note: false });
    expect(voided.status).toBe(200);
    expect(voided.body.invoice).toMatchObject({
      status: "voided",
      voided_at: "2026-04-04T00:00:00.000Z",
      number: final.number,
      sequential_id: 1,
      total_amount_cents: 1025,
      total_due_amount_cents: 0,
    });
    expect(await voidIt("2026-04-04T01:00:00Z")).toEqual(notVoidable);
    expect(await finalize("2026-04-04T01:00:00Z")).toEqual(notFound);
    await clockRun("2026-04-04T01:15:00.000Z");
    expect(await eventsOf(draft.id)).toEqual([
      "invoice.drafted",
      "invoice.created",
      "invoice.payment_overdue",
      "invoice.voided",
    ]);
    const payload = observed.find((event) => event.type === "invoice.voided")?.invoice;
    expect(payload).toMatchObject({ status: "voided", total_due_amount_cents: 0 });
    // The webhook object is the API's: the full customer and subscriptions, not references.
    const shown = voided.body.invoice as { customer: unknown; subscriptions: { lago_id: string }[] };
    expect(payload?.customer).toEqual(shown.customer);
    expect(((payload?.subscriptions ?? []) as { lago_id: string }[]).map((s) => s.lago_id)).toEqual(
      shown.subscriptions.map((s) => s.lago_id),
    );
    expect(shown.subscriptions).toHaveLength(1);
  });

  it("refuses to void a paid invoice (paid at creation: nothing to collect)", async () => {
    const seeded = await seedCatalog({
      name: "Free",
      subscriptionAt: "2026-03-01T00:00:00Z",
      planAmountCents: 0,
    });
    await clockRun("2026-04-01T00:00:00.000Z");
    const invoice = await onlyInvoice(seeded.organizationId);
    expect(invoice).toMatchObject({ status: "finalized", paymentStatus: "succeeded", totalAmountCents: 0 });
    const answer = await invoke(invoicingApi, "POST /api/v1/invoices/{lago_id}/void", {
      apiKey: seeded.apiKey,
      params: { lago_id: invoice.id },
    });
    expect(answer).toMatchObject({ status: 405, body: { code: "not_voidable" } });
    expect(await onlyInvoice(seeded.organizationId)).toEqual(invoice);
  });
});

// moto_server serves requests on threads without locking its tables, so two truly simultaneous
// conditional writes can both pass there, which DynamoDB never allows. Races are played as exact
// interleavings: one run acts on what it read before the other wrote.
describe("finalizations that race", () => {
  it("number once a draft finalized by hand while the clock's run had read it as a draft", async () => {
    const seeded = await seedCatalog({
      name: "Racing",
      subscriptionAt: "2026-03-01T00:00:00Z",
      gracePeriodDays: 1,
    });
    await clockRun("2026-04-01T00:00:00.000Z");
    const draft = await onlyInvoice(seeded.organizationId);
    let interleaved = false;
    class ManualFirst extends InvoiceStore {
      protected override async readCounter(key: { pk: string; sk: string }) {
        if (!interleaved) {
          interleaved = true;
          const manual = await invoke(invoicingApi, "PUT /api/v1/invoices/{lago_id}/finalize", {
            apiKey: seeded.apiKey,
            params: { lago_id: draft.id },
            at: "2026-04-02T00:05:00Z",
          });
          expect(manual.status).toBe(200);
        }
        return super.readCounter(key);
      }
    }
    const scheduled = await finalizeInvoice(
      { ...billingDeps(), invoices: new ManualFirst() },
      seeded.organizationId,
      draft.id,
      "2026-04-02T00:00:00.000Z",
    );
    // The scheduled run's transaction failed on the draft: it finds it finalized, and numbers nothing.
    expect(scheduled).toMatchObject({ kind: "not_draft", raced: true, invoice: { sequentialId: 1 } });
    const invoice = await onlyInvoice(seeded.organizationId);
    expect(invoice).toMatchObject({ status: "finalized", sequentialId: 1, issuingDate: "2026-04-02" });
    expect(await eventsOf(draft.id)).toEqual(["invoice.drafted", "invoice.created"]);
  });

  it("give two drafts of one customer that read the counter at the same moment numbers 1 and 2", async () => {
    const first = await seedCatalog({
      name: "Pair",
      subscriptionAt: "2026-03-01T00:00:00Z",
      gracePeriodDays: 1,
    });
    await catalogCall(
      first.apiKey,
      "POST /api/v1/subscriptions",
      {
        subscription: {
          external_customer_id: first.externalCustomerId,
          plan_code: "pro",
          external_id: "sub_2",
          subscription_at: "2026-03-01T00:00:00Z",
        },
      },
      "2026-03-01T00:00:00Z",
    );
    await deliverInvoicingInbox();
    await clockRun("2026-04-01T00:00:00.000Z");
    const drafts = await new InvoiceStore().list(first.organizationId);
    const [one, second] = drafts.map((invoice) => invoice.id);
    if (!one || !second) throw new Error("two drafts expected");
    const two: string = second;
    let interleaved = false;
    class OtherFirst extends InvoiceStore {
      protected override async readCounter(key: { pk: string; sk: string }) {
        const value = await super.readCounter(key);
        if (!interleaved) {
          interleaved = true;
          await finalizeInvoice(billingDeps(), first.organizationId, two, "2026-04-02T00:00:00.000Z");
        }
        return value;
      }
    }
    const outcome = await finalizeInvoice(
      { ...billingDeps(), invoices: new OtherFirst() },
      first.organizationId,
      one,
      "2026-04-02T00:00:00.000Z",
    );
    expect(outcome).toMatchObject({ kind: "finalized", invoice: { sequentialId: 2 } });
    const invoices = await new InvoiceStore().list(first.organizationId);
    expect(invoices.map((invoice) => [invoice.id, invoice.sequentialId]).sort()).toEqual(
      [
        [one, 2],
        [two, 1],
      ].sort(),
    );
  });
});
