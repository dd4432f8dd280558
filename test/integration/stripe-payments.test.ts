/**
 * Payments collected from Stripe customers against a real moto_server and a stand-in of Stripe's
 * API driven by the real `stripe` SDK: the collection a finalization owes, retry_payment, Stripe's
 * signed webhooks settling or failing the invoice, and crashes on the way.
 */
import type { APIGatewayProxyEventV2, APIGatewayProxyStructuredResultV2 } from "aws-lambda";
import Stripe from "stripe";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { localStripeAccount } from "../../infra/local/provision.js";
import { handler as catalogApi } from "../../services/catalog/src/handlers/api.js";
import { handler as stripeWebhooks } from "../../services/invoicing/src/handlers/stripe-webhooks.js";
import { finalizeInvoice } from "../../services/invoicing/src/invoices/finalize-invoice.js";
import { stripePaymentProvider } from "../../services/invoicing/src/payments/providers/stripe.js";
import { InvoiceStore, type StoredInvoice } from "../../services/invoicing/src/store/invoice-store.js";
import { PaymentStore } from "../../services/invoicing/src/store/payment-store.js";
import { collectionKey } from "../../shared/src/domain/invoices/payment-collection.js";
import { apiEvent, invoke, testContext } from "../support/api-events.js";
import type { SeedOptions } from "../support/catalog-fixture.js";
import { billingDeps } from "../support/invoicing.js";
import { clockRun, invoicing, paymentsHarness, seedCatalog } from "../support/payments.js";
import { type PaymentBehaviour, type StripeStandIn, startStripeStandIn } from "../support/stripe-stand-in.js";

const { eventsOf, typesOf } = paymentsHarness();
let stripe: StripeStandIn;
beforeAll(async () => {
  stripe = await startStripeStandIn();
  process.env.STRIPE_API_URL = stripe.url;
});
afterAll(async () => {
  delete process.env.STRIPE_API_URL;
  await stripe.stop();
});

const secret = () => localStripeAccount().webhook_secret;
const store = () => new InvoiceStore();
const read = async (organizationId: string, id: string) =>
  (await store().get(organizationId, id)) as StoredInvoice;
const at = "2026-06-02T10:00:00.000Z";

let customers = 0;
/** A Stripe customer at the stand-in, paying as `behaviour` says. */
function stripeCustomer(behaviour: PaymentBehaviour): string {
  customers += 1;
  const id = `cus_stand_in_${customers}`;
  stripe.addCustomer(id, { defaultPaymentMethod: `pm_default_${customers}`, paymentMethods: [], behaviour });
  return id;
}

/** Makes the organization's customer a Stripe customer, through the catalog's API. */
async function useStripe(apiKey: string, externalCustomerId: string, providerCustomerId: string) {
  const answer = await invoke(catalogApi, "POST /api/v1/customers", {
    apiKey,
    at: "2026-05-15T00:00:00.000Z",
    body: {
      customer: {
        external_id: externalCustomerId,
        billing_configuration: { payment_provider: "stripe", provider_customer_id: providerCustomerId },
      },
    },
  });
  expect(answer.status, JSON.stringify(answer.body)).toBe(200);
}

/** May's invoice of a new organization whose customer pays with Stripe (finalized June 1, or a draft). */
async function mayInvoice(
  name: string,
  behaviour: PaymentBehaviour | null,
  options: Partial<SeedOptions> = {},
) {
  const seeded = await seedCatalog({ name, subscriptionAt: "2026-05-01T00:00:00Z", ...options });
  const providerCustomerId = behaviour ? stripeCustomer(behaviour) : null;
  if (providerCustomerId) await useStripe(seeded.apiKey, seeded.externalCustomerId, providerCustomerId);
  await clockRun("2026-06-01T00:00:00.000Z");
  const invoices = await store().list(seeded.organizationId);
  expect(invoices).toHaveLength(1);
  return { ...seeded, providerCustomerId, invoice: invoices[0] as StoredInvoice };
}

const intentsOf = (invoiceId: string) =>
  stripe.intents.filter(
    (intent) => (intent.metadata as Record<string, string>).lago_invoice_id === invoiceId,
  );

/** Stripe's webhook to our public route, as API Gateway hands it over (no API key). */
async function deliver(organizationId: string, payload: string, signature?: string) {
  const event: APIGatewayProxyEventV2 = {
    ...apiEvent("POST /webhooks/stripe/{organization_id}", {
      params: { organization_id: organizationId },
      rawBody: payload,
      at,
    }),
  };
  event.headers = {
    "content-type": "application/json",
    ...(signature ? { "stripe-signature": signature } : {}),
  };
  const result = (await stripeWebhooks(event, testContext())) as APIGatewayProxyStructuredResultV2;
  return result.statusCode;
}

const retry = (apiKey: string, id: string, when = at) =>
  invoicing("POST /api/v1/invoices/{lago_id}/retry_payment", { apiKey, params: { lago_id: id }, at: when });

describe("a Stripe customer's invoice", () => {
  it("is collected once finalized: one PaymentIntent for what is due, settled by Stripe's webhook once", async () => {
    const { invoice, organizationId, providerCustomerId, apiKey } = await mayInvoice(
      "Stripe Finalized",
      "process",
    );
    const intents = intentsOf(invoice.id);
    expect(intents).toHaveLength(1);
    const [intent] = intents as [Record<string, unknown>];
    expect(intent).toMatchObject({
      amount: invoice.totalAmountCents,
      currency: "eur",
      customer: providerCustomerId,
      payment_method: "pm_default_1",
      description: `Stripe Finalized - Invoice ${invoice.number}`,
      metadata: {
        lago_invoice_id: invoice.id,
        lago_customer_id: invoice.customerId,
        lago_organization_id: organizationId,
        invoice_type: "subscription",
      },
    });
    expect(invoice.totalAmountCents).toBe(1000);
    const request = stripe.received.find((received) => received.intent.id === intent.id);
    expect(request?.idempotencyKey).toBe(collectionKey(invoice.id, { kind: "finalization" }));
    expect(request?.params).toMatchObject({ confirm: "true", off_session: "true" });
    const waiting = await read(organizationId, invoice.id);
    expect(waiting).toMatchObject({ paymentStatus: "pending", collectionPaymentId: intent.id });
    expect(waiting).not.toHaveProperty("paymentCollectionOwed");
    // Started and unanswered: a retry starts none.
    expect(await retry(apiKey, invoice.id)).toMatchObject({
      status: 405,
      body: { code: "payment_processor_is_currently_handling_payment" },
    });

    const succeeded = stripe.webhook(String(intent.id), "payment_intent.succeeded", secret());
    expect(await deliver(organizationId, succeeded.payload, succeeded.signature)).toBe(200);
    const paid = await read(organizationId, invoice.id);
    expect(paid).toMatchObject({ paymentStatus: "succeeded", totalPaidAmountCents: 1000 });
    expect(paid).not.toHaveProperty("collectionLeaseUntil");
    const payments = await new PaymentStore().list(organizationId);
    expect(payments).toHaveLength(1);
    const shown = await invoicing("GET /api/v1/payments/{lago_id}", {
      apiKey,
      params: { lago_id: (payments[0] as { id: string }).id },
      at,
    });
    expect(shown.body.payment).toMatchObject({
      amount_cents: 1000,
      amount_currency: "EUR",
      type: "provider",
      payment_provider_type: "stripe",
      payment_provider_code: "stripe",
      provider_payment_id: intent.id,
      provider_customer_id: providerCustomerId,
      reference: null,
      invoice_ids: [invoice.id],
    });
    // Stripe sends it again, and a late failure of the same PaymentIntent: nothing changes twice.
    expect(await deliver(organizationId, succeeded.payload, succeeded.signature)).toBe(200);
    const failed = stripe.webhook(String(intent.id), "payment_intent.payment_failed", secret());
    expect(await deliver(organizationId, failed.payload, failed.signature)).toBe(200);
    expect(await new PaymentStore().list(organizationId)).toHaveLength(1);
    expect(await read(organizationId, invoice.id)).toMatchObject({ paymentStatus: "succeeded" });
    expect(await typesOf(invoice.id)).toEqual(["invoice.created", "invoice.payment_status_updated"]);
    // Clock runs later find nothing owed, and collect nothing again.
    await clockRun("2026-06-01T00:15:00.000Z");
    expect(intentsOf(invoice.id)).toHaveLength(1);
  });

  it("paid at once by Stripe is succeeded without waiting for the webhook, which then changes nothing", async () => {
    const { invoice, organizationId } = await mayInvoice("Stripe At Once", "succeed");
    expect(await read(organizationId, invoice.id)).toMatchObject({ paymentStatus: "succeeded" });
    const [intent] = intentsOf(invoice.id) as [Record<string, unknown>];
    const succeeded = stripe.webhook(String(intent.id), "payment_intent.succeeded", secret());
    expect(await deliver(organizationId, succeeded.payload, succeeded.signature)).toBe(200);
    expect(await new PaymentStore().list(organizationId)).toHaveLength(1);
    expect(await typesOf(invoice.id)).toEqual(["invoice.created", "invoice.payment_status_updated"]);
  });

  it("declined at once is failed, told by invoice.payment_failure with Stripe's message and code", async () => {
    const { invoice, organizationId, providerCustomerId } = await mayInvoice("Stripe Declined", "decline");
    expect(await read(organizationId, invoice.id)).toMatchObject({ paymentStatus: "failed" });
    const events = await eventsOf(invoice.id);
    expect(events.map((event) => event.type)).toEqual(["invoice.created", "invoice.payment_failure"]);
    expect(events[1]?.detail.payment_provider_invoice_payment_error).toMatchObject({
      lago_invoice_id: invoice.id,
      provider_customer_id: providerCustomerId,
      payment_provider: "stripe",
      payment_provider_code: "stripe",
      provider_error: { message: "Your card was declined.", error_code: "card_declined" },
    });
  });
});

describe("POST /invoices/{id}/retry_payment of a Stripe customer", () => {
  it("starts one collection for two retries in a row, ended failed by Stripe's webhook (invoice.payment_failure)", async () => {
    // Finalized before the customer uses Stripe: nothing was collected then.
    const { invoice, organizationId, apiKey, externalCustomerId } = await mayInvoice("Stripe Retry", null);
    expect(intentsOf(invoice.id)).toHaveLength(0);
    const providerCustomerId = stripeCustomer("process");
    await useStripe(apiKey, externalCustomerId, providerCustomerId);
    expect(await retry(apiKey, invoice.id)).toMatchObject({ status: 200 });
    expect(await retry(apiKey, invoice.id, "2026-06-02T10:00:01.000Z")).toMatchObject({
      status: 405,
      body: { code: "payment_processor_is_currently_handling_payment" },
    });
    const intents = intentsOf(invoice.id);
    expect(intents).toHaveLength(1);
    const [intent] = intents as [Record<string, unknown>];
    expect(stripe.received.find((received) => received.intent.id === intent.id)?.idempotencyKey).toBe(
      collectionKey(invoice.id, { kind: "retry", attempt: 1 }),
    );
    const failed = stripe.webhook(String(intent.id), "payment_intent.payment_failed", secret());
    expect(await deliver(organizationId, failed.payload, failed.signature)).toBe(200);
    expect(await deliver(organizationId, failed.payload, failed.signature)).toBe(200);
    expect(await read(organizationId, invoice.id)).toMatchObject({ paymentStatus: "failed" });
    const events = await eventsOf(invoice.id);
    expect(events.map((event) => event.type)).toEqual(["invoice.created", "invoice.payment_failure"]);
    expect(events[1]?.detail.payment_provider_invoice_payment_error).toMatchObject({
      payment_provider: "stripe",
      provider_customer_id: providerCustomerId,
      provider_error: { message: "Your card was declined.", error_code: "card_declined" },
    });
    // Failed, the collection has ended: a retry starts another, under its own key.
    expect(await retry(apiKey, invoice.id, "2026-06-02T11:00:00.000Z")).toMatchObject({ status: 200 });
    expect(intentsOf(invoice.id)).toHaveLength(2);
    const succeeded = stripe.webhook(
      String(intentsOf(invoice.id)[1]?.id),
      "payment_intent.succeeded",
      secret(),
    );
    expect(await deliver(organizationId, succeeded.payload, succeeded.signature)).toBe(200);
    expect(await read(organizationId, invoice.id)).toMatchObject({ paymentStatus: "succeeded" });
    expect(await typesOf(invoice.id)).toEqual([
      "invoice.created",
      "invoice.payment_failure",
      "invoice.payment_status_updated",
    ]);
  });
});

describe("Stripe's webhook route", () => {
  it("refuses a forged or missing signature (400) and answers 200 for another organization, changing nothing", async () => {
    const { invoice, organizationId } = await mayInvoice("Stripe Forged", "process");
    const [intent] = intentsOf(invoice.id) as [Record<string, unknown>];
    const forged = stripe.webhook(String(intent.id), "payment_intent.succeeded", "whsec_not_ours");
    expect(await deliver(organizationId, forged.payload, forged.signature)).toBe(400);
    expect(await deliver(organizationId, forged.payload)).toBe(400);
    const genuine = stripe.webhook(String(intent.id), "payment_intent.succeeded", secret());
    // The body changed after signing.
    expect(
      await deliver(
        organizationId,
        genuine.payload.replace('"amount":1000', '"amount":1'),
        genuine.signature,
      ),
    ).toBe(400);
    // Signed, but for an invoice of another organization's path.
    const other = await seedCatalog({ name: "Stripe Other", subscriptionAt: "2026-05-01T00:00:00Z" });
    expect(await deliver(other.organizationId, genuine.payload, genuine.signature)).toBe(200);
    // Signed, for an invoice no one has, and an event type Lago does not read for invoices.
    const unknown = JSON.parse(genuine.payload) as { data: { object: { metadata: Record<string, string> } } };
    unknown.data.object.metadata.lago_invoice_id = "00000000-0000-4000-8000-000000000000";
    const unknownPayload = JSON.stringify(unknown);
    const sign = (payload: string) => Stripe.webhooks.generateTestHeaderString({ payload, secret: secret() });
    expect(await deliver(organizationId, unknownPayload, sign(unknownPayload))).toBe(200);
    const otherType = JSON.stringify({ ...JSON.parse(genuine.payload), type: "charge.refunded" });
    expect(await deliver(organizationId, otherType, sign(otherType))).toBe(200);
    expect(await read(organizationId, invoice.id)).toMatchObject({ paymentStatus: "pending" });
    expect(await new PaymentStore().list(organizationId)).toHaveLength(0);
    expect(await typesOf(invoice.id)).toEqual(["invoice.created"]);
  });
});

class Crash extends Error {}

describe("a crash", () => {
  it("after a finalization's write, before its events: the next clock run collects once", async () => {
    const { invoice, organizationId } = await mayInvoice("Stripe Crash Finalize", "process", {
      gracePeriodDays: 3,
    });
    expect(invoice.status).toBe("draft");
    const dying = {
      ...billingDeps(),
      clock: () => Date.now() - 120_000,
      publish: async () => {
        throw new Crash("Lambda timed out");
      },
    };
    await expect(
      finalizeInvoice(dying, organizationId, invoice.id, "2026-06-02T00:00:00.000Z"),
    ).rejects.toThrow(Crash);
    expect(await read(organizationId, invoice.id)).toMatchObject({
      status: "finalized",
      paymentCollectionOwed: true,
    });
    expect(intentsOf(invoice.id)).toHaveLength(0);
    await clockRun("2026-06-02T00:15:00.000Z");
    await clockRun("2026-06-02T00:30:00.000Z");
    expect(intentsOf(invoice.id)).toHaveLength(1);
    expect(await typesOf(invoice.id)).toEqual(["invoice.drafted", "invoice.created"]);
    expect(await read(organizationId, invoice.id)).not.toHaveProperty("paymentCollectionOwed");
  });

  it("after Stripe took the collection, before it is recorded: collected again under the same key, charged once", async () => {
    const { invoice, organizationId } = await mayInvoice("Stripe Crash Collect", "process", {
      gracePeriodDays: 3,
    });
    const deps = billingDeps();
    // The finalization's events go out; its collection reaches Stripe, and the function dies before recording it.
    const dying = {
      ...deps,
      // Its wall clock is behind: its claim has run out by the next clock run.
      clock: () => Date.now() - 20 * 60_000,
      provider: () => ({
        async collect(request: Parameters<ReturnType<typeof stripePaymentProvider>["collect"]>[0]) {
          await stripePaymentProvider().collect(request);
          throw new Crash("Lambda timed out");
        },
      }),
    };
    await expect(
      finalizeInvoice(dying, organizationId, invoice.id, "2026-06-02T00:00:00.000Z"),
    ).resolves.toMatchObject({
      kind: "finalized",
    });
    // The finalization is made and told; its collection died after reaching Stripe, and is still owed.
    expect(await read(organizationId, invoice.id)).toMatchObject({ paymentCollectionOwed: true });
    await clockRun("2026-06-02T00:15:00.000Z");
    const requests = stripe.received.filter(
      (received) => (received.params.metadata as Record<string, string>).lago_invoice_id === invoice.id,
    );
    expect(requests.length).toBeGreaterThanOrEqual(2);
    expect(new Set(requests.map((received) => received.idempotencyKey))).toEqual(
      new Set([collectionKey(invoice.id, { kind: "finalization" })]),
    );
    expect(intentsOf(invoice.id)).toHaveLength(1);
    expect(await read(organizationId, invoice.id)).toMatchObject({
      collectionPaymentId: intentsOf(invoice.id)[0]?.id,
    });
    expect(await read(organizationId, invoice.id)).not.toHaveProperty("paymentCollectionOwed");
  });
});
