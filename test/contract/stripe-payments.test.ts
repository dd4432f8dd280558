/**
 * A Stripe customer through lago-javascript-client on the local runtime, with Stripe's API played
 * by the stand-in (`STRIPE_API_URL`): its billing configuration as Lago serves it, its invoice
 * collected once finalized, and Stripe's signed webhook to the public route settling it. Dates are
 * relative to the contract clock's start.
 */
import type { InvoiceObject } from "lago-javascript-client";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { localStripeAccount } from "../../infra/local/provision.js";
import type { LocalRuntime } from "../../infra/local/runtime.js";
import { type Lago, lagoError, startContractRuntime, validationError } from "../support/lago.js";
import { billFiveSeats, createSeatsPlan } from "../support/seats-billing.js";
import { type StripeStandIn, startStripeStandIn } from "../support/stripe-stand-in.js";

let runtime: LocalRuntime;
let lago: Lago;
let stripe: StripeStandIn;

beforeAll(async () => {
  stripe = await startStripeStandIn();
  // Read by the runtime's handlers when they first use the Stripe account.
  process.env.STRIPE_API_URL = stripe.url;
  ({ runtime, lago } = await startContractRuntime());
  await createSeatsPlan(lago);
});
afterAll(async () => {
  await runtime?.stop();
  delete process.env.STRIPE_API_URL;
  await stripe?.stop();
});

describe("a Stripe customer through Lago's client", () => {
  it("is served with its provider, collected at finalization, and settled by Stripe's webhook", async () => {
    stripe.addCustomer("cus_contract", {
      defaultPaymentMethod: "pm_contract",
      paymentMethods: [],
      behaviour: "process",
    });
    const customer = (
      await lago.customers.createCustomer({
        customer: {
          external_id: "stripe-payer",
          name: "Stripe Payer",
          currency: "EUR",
          billing_configuration: { payment_provider: "stripe", provider_customer_id: "cus_contract" },
        } as never,
      })
    ).data.customer;
    expect(customer.billing_configuration).toMatchObject({
      payment_provider: "stripe",
      payment_provider_code: "stripe",
      provider_customer_id: "cus_contract",
      provider_payment_methods: ["card"],
    });
    expect(
      await lagoError(
        lago.customers.createCustomer({
          customer: {
            external_id: "paypal-payer",
            billing_configuration: { payment_provider: "paypal" },
          } as never,
        }),
      ),
    ).toEqual(validationError({ payment_provider: ["value_is_invalid"] }));

    const invoices = await billFiveSeats(runtime, lago, "stripe-payer");
    const invoice = invoices[0] as InvoiceObject;
    expect(invoice).toMatchObject({
      status: "finalized",
      total_amount_cents: 1000,
      payment_status: "pending",
    });
    const intents = stripe.intents.filter(
      (intent) => (intent.metadata as Record<string, string>).lago_invoice_id === invoice.lago_id,
    );
    expect(intents).toHaveLength(1);
    expect(intents[0]).toMatchObject({ amount: 1000, currency: "eur", customer: "cus_contract" });
    // Collecting: retry_payment starts no second one.
    expect(await lagoError(lago.invoices.retryPayment(invoice.lago_id))).toMatchObject({
      status: 405,
      code: "payment_processor_is_currently_handling_payment",
    });

    const webhook = `${runtime.url}/webhooks/stripe/${runtime.organizationId}`;
    const signed = stripe.webhook(
      String(intents[0]?.id),
      "payment_intent.succeeded",
      localStripeAccount().webhook_secret,
    );
    const forged = await fetch(webhook, {
      method: "POST",
      headers: { "content-type": "application/json", "stripe-signature": "t=1,v1=00" },
      body: signed.payload,
    });
    expect(forged.status).toBe(400);
    const answer = await fetch(webhook, {
      method: "POST",
      headers: { "content-type": "application/json", "stripe-signature": signed.signature },
      body: signed.payload,
    });
    expect(answer.status).toBe(200);
    expect((await lago.invoices.findInvoice(invoice.lago_id)).data.invoice).toMatchObject({
      payment_status: "succeeded",
      total_paid_amount_cents: 1000,
      total_due_amount_cents: 0,
    });
    const { payments } = (await lago.payments.findAllPayments({ invoice_id: invoice.lago_id })).data;
    expect(payments).toHaveLength(1);
    expect(payments[0]).toMatchObject({
      type: "provider",
      payment_provider_type: "stripe",
      provider_payment_id: intents[0]?.id,
      amount_cents: 1000,
    });
  });
});
