/**
 * Credit note refunds on moto and the stand-in of Stripe's API, driven by the real `stripe` SDK,
 * through the API and webhook handlers as deployed: a note refunding part of a paid Stripe invoice
 * is refunded once, in Stripe's units, under the note's id; Stripe's refusal fails it with one
 * `credit_note.refund_failure`; a pending refund is settled by Stripe's refund webhook; and a
 * crash before the refund, or while Stripe takes it, is caught up by the billing clock with one
 * refund at Stripe.
 */
import type { APIGatewayProxyEventV2, APIGatewayProxyStructuredResultV2 } from "aws-lambda";
import Stripe from "stripe";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { localStripeAccount } from "../../infra/local/provision.js";
import { handler as catalogApi } from "../../services/catalog/src/handlers/api.js";
import { createCreditNote } from "../../services/invoicing/src/credit-notes/create-credit-note.js";
import { handler as stripeWebhooks } from "../../services/invoicing/src/handlers/stripe-webhooks.js";
import { stripePaymentProvider } from "../../services/invoicing/src/payments/providers/stripe.js";
import { CreditNoteStore, creditNoteId } from "../../services/invoicing/src/store/credit-note-store.js";
import { InvoiceStore, type StoredInvoice } from "../../services/invoicing/src/store/invoice-store.js";
import { apiEvent, invoke, testContext } from "../support/api-events.js";
import { type AwsHarness, startAwsHarness } from "../support/aws-harness.js";
import { billingDeps } from "../support/invoicing.js";
import { clockRun, invoicing, type Published, seedCatalog, watchBus } from "../support/payments.js";
import { type StripeStandIn, startStripeStandIn } from "../support/stripe-stand-in.js";

let aws: AwsHarness;
let bus: Awaited<ReturnType<typeof watchBus>>;
let stripe: StripeStandIn;
beforeAll(async () => {
  aws = await startAwsHarness();
  bus = await watchBus();
  stripe = await startStripeStandIn();
  process.env.STRIPE_API_URL = stripe.url;
});
afterAll(async () => {
  delete process.env.STRIPE_API_URL;
  await stripe.stop();
  bus.stop();
  await aws.stop();
});

const published: Published[] = [];
/** The credit note events published for the note so far, in order. */
async function eventsOfNote(noteId: string): Promise<Published[]> {
  published.push(...(await bus.take()));
  return published.filter((event) => {
    const note = event.detail.credit_note as { lago_id?: string } | undefined;
    const error = event.detail.credit_note_payment_provider_refund_error as
      | { lago_credit_note_id?: string }
      | undefined;
    return (note?.lago_id ?? error?.lago_credit_note_id) === noteId;
  });
}
const typesOfNote = async (noteId: string) => (await eventsOfNote(noteId)).map((event) => event.type);

const AT = "2026-06-02T10:00:00.000Z";
const secret = () => localStripeAccount().webhook_secret;
const notes = () => new CreditNoteStore();

let customers = 0;
/** May's invoice of a new organization whose Stripe customer paid it at once (10.00 EUR). */
async function paidInvoice(name: string) {
  const seeded = await seedCatalog({ name, subscriptionAt: "2026-05-01T00:00:00Z" });
  customers += 1;
  const providerCustomerId = `cus_refunded_${customers}`;
  stripe.addCustomer(providerCustomerId, {
    defaultPaymentMethod: `pm_refunded_${customers}`,
    paymentMethods: [],
    behaviour: "succeed",
  });
  const answer = await invoke(catalogApi, "POST /api/v1/customers", {
    apiKey: seeded.apiKey,
    at: "2026-05-15T00:00:00.000Z",
    body: {
      customer: {
        external_id: seeded.externalCustomerId,
        billing_configuration: { payment_provider: "stripe", provider_customer_id: providerCustomerId },
      },
    },
  });
  expect(answer.status, JSON.stringify(answer.body)).toBe(200);
  await clockRun("2026-06-01T00:00:00.000Z");
  const [invoice] = (await new InvoiceStore().list(seeded.organizationId)) as [StoredInvoice];
  expect(invoice).toMatchObject({ status: "finalized", paymentStatus: "succeeded", totalAmountCents: 1000 });
  const intent = stripe.intents.find(
    (candidate) => (candidate.metadata as Record<string, string>).lago_invoice_id === invoice.id,
  );
  const fee = invoice.fees.find((candidate) => candidate.amountCents === 1000);
  if (!intent || !fee) throw new Error("the invoice was not paid through Stripe");
  return { ...seeded, invoice, intentId: String(intent.id), feeId: fee.id, providerCustomerId };
}

type ShownNote = Record<string, unknown> & { lago_id: string; refund_status: string | null };

/** `POST /credit_notes` refunding `cents` of the invoice's fee; the note as answered. */
async function refundNote(apiKey: string, invoiceId: string, feeId: string, cents: number) {
  const answer = await invoicing("POST /api/v1/credit_notes", {
    apiKey,
    at: AT,
    body: {
      credit_note: {
        invoice_id: invoiceId,
        reason: "duplicated_charge",
        items: [{ fee_id: feeId, amount_cents: cents }],
        refund_amount_cents: cents,
      },
    },
  });
  expect(answer.status, JSON.stringify(answer.body)).toBe(200);
  return answer.body.credit_note as ShownNote;
}

const shown = async (apiKey: string, id: string) =>
  (await invoicing("GET /api/v1/credit_notes/{lago_id}", { apiKey, params: { lago_id: id }, at: AT })).body
    .credit_note as ShownNote;

const refundsOf = (intentId: string) => stripe.refunds.filter((refund) => refund.payment_intent === intentId);
const requestsOf = (noteId: string) =>
  stripe.refundRequests.filter((request) => request.idempotencyKey === noteId);

/** Stripe's `refund.updated` for the refund, now `status`, signed as Stripe signs it. */
function refundWebhook(refund: Record<string, unknown>, status: string) {
  const payload = JSON.stringify({
    id: `evt_${String(refund.id)}_${status}`,
    object: "event",
    api_version: "2025-01-01",
    created: 1_780_000_000,
    type: "refund.updated",
    livemode: false,
    pending_webhooks: 1,
    request: { id: null, idempotency_key: null },
    data: { object: { ...refund, status } },
  });
  return { payload, signature: Stripe.webhooks.generateTestHeaderString({ payload, secret: secret() }) };
}

async function deliver(organizationId: string, webhook: { payload: string; signature: string }) {
  const event: APIGatewayProxyEventV2 = apiEvent("POST /webhooks/stripe/{organization_id}", {
    params: { organization_id: organizationId },
    rawBody: webhook.payload,
    at: AT,
  });
  event.headers = { "content-type": "application/json", "stripe-signature": webhook.signature };
  const result = (await stripeWebhooks(event, testContext())) as APIGatewayProxyStructuredResultV2;
  return result.statusCode;
}

describe("a credit note refunding a paid Stripe invoice", () => {
  it("is refunded once, in Stripe's units, under the note's id, and succeeded", async () => {
    const { apiKey, organizationId, invoice, intentId, feeId } = await paidInvoice("Refunded At Once");
    const created = await refundNote(apiKey, invoice.id, feeId, 400);
    // Answered as made; the refund follows its creation's event.
    expect(created).toMatchObject({ refund_status: "pending", refund_amount_cents: 400 });
    expect(refundsOf(intentId)).toMatchObject([
      {
        amount: 400,
        currency: "eur",
        reason: "duplicate",
        status: "succeeded",
        metadata: {
          lago_credit_note_id: created.lago_id,
          lago_invoice_id: invoice.id,
          lago_customer_id: invoice.customerId,
        },
      },
    ]);
    expect(requestsOf(created.lago_id)).toHaveLength(1);
    const note = await notes().get(organizationId, created.lago_id);
    expect(note).toMatchObject({ refundStatus: "succeeded", refundedAt: expect.any(String) });
    expect(note).not.toHaveProperty("refundOwed");
    expect(await shown(apiKey, created.lago_id)).toMatchObject({ refund_status: "succeeded" });
    // Later clock runs find nothing owed: no second refund, no failure.
    await clockRun("2026-06-02T10:15:00.000Z");
    expect(requestsOf(created.lago_id)).toHaveLength(1);
    expect(await typesOfNote(created.lago_id)).toEqual(["credit_note.created"]);
    const stored = await new InvoiceStore().get(organizationId, invoice.id);
    expect(stored?.pendingEvents ?? new Set()).toEqual(new Set());
    expect(stored).not.toHaveProperty("duePk");
  });

  it("refused by Stripe is failed, told once by credit_note.refund_failure with Stripe's error", async () => {
    const { apiKey, organizationId, invoice, intentId, feeId, providerCustomerId } =
      await paidInvoice("Refund Refused");
    stripe.nextRefunds({
      kind: "refuse",
      refusal: {
        status: 400,
        error: {
          type: "invalid_request_error",
          code: "charge_not_refundable",
          message: "This charge cannot be refunded.",
        },
      },
    });
    const created = await refundNote(apiKey, invoice.id, feeId, 300);
    expect(refundsOf(intentId)).toHaveLength(0);
    expect(await shown(apiKey, created.lago_id)).toMatchObject({ refund_status: "failed" });
    expect(await notes().get(organizationId, created.lago_id)).toMatchObject({ refundedAt: null });
    await clockRun("2026-06-02T10:15:00.000Z");
    const events = await eventsOfNote(created.lago_id);
    expect(events.map((event) => event.type)).toEqual(["credit_note.created", "credit_note.refund_failure"]);
    expect(events[1]?.detail).toMatchObject({
      webhook_type: "credit_note.refund_failure",
      object_type: "credit_note_payment_provider_refund_error",
      organization_id: organizationId,
      credit_note_payment_provider_refund_error: {
        lago_credit_note_id: created.lago_id,
        lago_customer_id: invoice.customerId,
        external_customer_id: invoice.externalCustomerId,
        provider_customer_id: providerCustomerId,
        payment_provider: "stripe",
        payment_provider_code: "stripe",
        provider_error: { message: "This charge cannot be refunded.", error_code: "charge_not_refundable" },
      },
    });
    // Told once, and never asked again.
    expect(requestsOf(created.lago_id)).toHaveLength(1);
    const stored = await new InvoiceStore().get(organizationId, invoice.id);
    expect(stored?.pendingEvents ?? new Set()).toEqual(new Set());
  });

  it("pending at Stripe is settled by Stripe's refund webhook, and a succeeded refund never changes again", async () => {
    const { apiKey, organizationId, invoice, intentId, feeId } = await paidInvoice("Refund Pending");
    stripe.nextRefunds({ kind: "pending" });
    const created = await refundNote(apiKey, invoice.id, feeId, 500);
    expect(await shown(apiKey, created.lago_id)).toMatchObject({ refund_status: "pending" });
    expect(await notes().get(organizationId, created.lago_id)).not.toHaveProperty("refundOwed");
    const [refund] = refundsOf(intentId) as [Record<string, unknown>];
    expect(refund).toMatchObject({ status: "pending", amount: 500 });

    expect(await deliver(organizationId, refundWebhook(refund, "succeeded"))).toBe(200);
    expect(await shown(apiKey, created.lago_id)).toMatchObject({ refund_status: "succeeded" });
    expect(await notes().get(organizationId, created.lago_id)).toMatchObject({ refundedAt: AT });
    // A late failure of it, and a redelivery: nothing changes, nothing is told.
    expect(await deliver(organizationId, refundWebhook(refund, "failed"))).toBe(200);
    expect(await deliver(organizationId, refundWebhook(refund, "succeeded"))).toBe(200);
    expect(await shown(apiKey, created.lago_id)).toMatchObject({ refund_status: "succeeded" });
    expect(await typesOfNote(created.lago_id)).toEqual(["credit_note.created"]);
  });

  it("pending then failed at Stripe is failed by its webhook, told once with Lago's message", async () => {
    const { apiKey, organizationId, invoice, intentId, feeId } = await paidInvoice("Refund Failed Later");
    stripe.nextRefunds({ kind: "pending" });
    const created = await refundNote(apiKey, invoice.id, feeId, 200);
    const [refund] = refundsOf(intentId) as [Record<string, unknown>];
    const failed = refundWebhook(refund, "failed");
    expect(await deliver(organizationId, failed)).toBe(200);
    expect(await deliver(organizationId, failed)).toBe(200);
    // Another organization's path names none of its notes.
    const other = await seedCatalog({ name: "Refund Stranger", subscriptionAt: "2026-05-01T00:00:00Z" });
    expect(await deliver(other.organizationId, refundWebhook(refund, "succeeded"))).toBe(200);
    expect(await shown(apiKey, created.lago_id)).toMatchObject({ refund_status: "failed" });
    const events = await eventsOfNote(created.lago_id);
    expect(events.map((event) => event.type)).toEqual(["credit_note.created", "credit_note.refund_failure"]);
    expect(events[1]?.detail.credit_note_payment_provider_refund_error).toMatchObject({
      lago_credit_note_id: created.lago_id,
      payment_provider: "stripe",
      provider_error: { message: "Payment refund failed", error_code: null },
    });
  });
});

class Crash extends Error {}

describe("a crash", () => {
  const creditNoteDeps = () => ({ ...billingDeps(), creditNotes: new CreditNoteStore() });
  const request = (feeId: string, cents: number) => ({
    origin: "manual" as const,
    reason: "order_change" as const,
    description: null,
    items: [{ feeId, amountCents: cents }],
    split: { creditAmountCents: 0, refundAmountCents: cents, offsetAmountCents: 0 },
    metadata: {},
  });

  it("after the note's write, before its events: the clock's next run refunds it once", async () => {
    const { organizationId, invoice, intentId, feeId } = await paidInvoice("Refund Crash Write");
    const dying = {
      ...creditNoteDeps(),
      // Its wall clock is behind: its publication lease has run out by the next clock run.
      clock: () => Date.now() - 120_000,
      publish: async () => {
        throw new Crash("Lambda timed out");
      },
    };
    await expect(
      createCreditNote(dying, organizationId, invoice.id, request(feeId, 350), AT),
    ).rejects.toThrow(Crash);
    const id = creditNoteId(organizationId, invoice.id, 1);
    expect(await notes().get(organizationId, id)).toMatchObject({
      refundOwed: true,
      refundStatus: "pending",
    });
    expect(refundsOf(intentId)).toHaveLength(0);

    await clockRun("2026-06-02T10:15:00.000Z");
    await clockRun("2026-06-02T10:30:00.000Z");
    expect(refundsOf(intentId)).toMatchObject([{ amount: 350, reason: "requested_by_customer" }]);
    expect(requestsOf(id)).toHaveLength(1);
    const note = await notes().get(organizationId, id);
    expect(note).toMatchObject({ refundStatus: "succeeded" });
    expect(note).not.toHaveProperty("refundOwed");
    expect(await typesOfNote(id)).toEqual(["credit_note.created"]);
  });

  it("after Stripe took the refund, before it is recorded: refunded again under the same key, once at Stripe", async () => {
    const { organizationId, invoice, intentId, feeId } = await paidInvoice("Refund Crash Taken");
    const dying = {
      ...creditNoteDeps(),
      refundProvider: () => ({
        async refund(asked: Parameters<ReturnType<typeof stripePaymentProvider>["refund"]>[0]) {
          await stripePaymentProvider().refund(asked);
          throw new Crash("connection reset");
        },
      }),
    };
    const outcome = await createCreditNote(dying, organizationId, invoice.id, request(feeId, 250), AT);
    expect(outcome.kind).toBe("created");
    const id = creditNoteId(organizationId, invoice.id, 1);
    // Made and told; its refund reached Stripe unanswered, and is owed still.
    expect(await notes().get(organizationId, id)).toMatchObject({
      refundOwed: true,
      refundStatus: "pending",
    });
    expect(refundsOf(intentId)).toHaveLength(1);

    await clockRun("2026-06-02T10:15:00.000Z");
    expect(requestsOf(id).length).toBe(2);
    expect(refundsOf(intentId)).toHaveLength(1);
    const note = await notes().get(organizationId, id);
    expect(note).toMatchObject({ refundStatus: "succeeded" });
    expect(note).not.toHaveProperty("refundOwed");
    await clockRun("2026-06-02T10:30:00.000Z");
    expect(requestsOf(id).length).toBe(2);
    // Its creation is told again with the same unique key, which consumers drop: once.
    const created = (await eventsOfNote(id)).filter((event) => event.type === "credit_note.created");
    expect(new Set(created.map((event) => event.uniqueKey)).size).toBe(1);
    const stored = await new InvoiceStore().get(organizationId, invoice.id);
    expect(stored?.pendingEvents ?? new Set()).toEqual(new Set());
  });
});
