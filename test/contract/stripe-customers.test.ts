/**
 * A customer synced with Stripe through lago-javascript-client on the local runtime, with Stripe's
 * API played by the stand-in (`STRIPE_API_URL`): its Stripe customer created off the request path,
 * its id served, `customer.payment_provider_created` delivered to a webhook endpoint as Lago sends
 * it, and its invoice then collected from that Stripe customer. Dates are relative to the contract
 * clock's start.
 */
import type { InvoiceObject, LagoWebhookPayloads } from "lago-javascript-client";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { LocalRuntime } from "../../infra/local/runtime.js";
import { control, type Lago, startContractRuntime } from "../support/lago.js";
import { billFiveSeats, createSeatsPlan } from "../support/seats-billing.js";
import { type StripeStandIn, startStripeStandIn } from "../support/stripe-stand-in.js";
import { startWebhookReceiver, type WebhookReceiver } from "../support/webhook-receiver.js";

let runtime: LocalRuntime;
let lago: Lago;
let stripe: StripeStandIn;
let receiver: WebhookReceiver;

beforeAll(async () => {
  stripe = await startStripeStandIn();
  // Read by the runtime's handlers when they first use the Stripe account.
  process.env.STRIPE_API_URL = stripe.url;
  receiver = await startWebhookReceiver();
  ({ runtime, lago } = await startContractRuntime());
  await createSeatsPlan(lago);
});
afterAll(async () => {
  await runtime?.stop();
  await receiver?.stop();
  delete process.env.STRIPE_API_URL;
  await stripe?.stop();
});

/** The bodies of the webhooks of `type` the receiver got. */
const webhooksOf = (type: string) =>
  receiver
    .received("/hooks")
    .map((request) => JSON.parse(request.body) as { webhook_type: string })
    .filter((body) => body.webhook_type === type);

describe("a customer synced with Stripe through Lago's client", () => {
  it("gets its Stripe customer, told by customer.payment_provider_created, and is collected there", async () => {
    await lago.webhookEndpoints.createWebhookEndpoint({
      webhook_endpoint: { webhook_url: `${receiver.url}/hooks`, signature_algo: "hmac" },
    });
    const created = (
      await lago.customers.createCustomer({
        customer: {
          external_id: "synced-payer",
          name: "Synced Payer",
          email: "payer@example.com",
          currency: "EUR",
          country: "FR",
          billing_configuration: {
            payment_provider: "stripe",
            payment_provider_code: "stripe",
            sync_with_provider: true,
          },
        },
      })
    ).data.customer;
    // Made off the request path: none yet in the answer.
    expect(created.billing_configuration).toMatchObject({
      payment_provider: "stripe",
      provider_customer_id: null,
    });
    await control(runtime, "/_local/drain");

    const atStripe = stripe.createdCustomers.filter(
      (customer) => (customer.params.metadata as Record<string, string>).customer_id === "synced-payer",
    );
    expect(atStripe).toHaveLength(1);
    const [stripeCustomer] = atStripe as [(typeof atStripe)[number]];
    expect(stripeCustomer.params).toMatchObject({
      name: "Synced Payer",
      email: "payer@example.com",
      address: { country: "FR" },
      metadata: { lago_customer_id: created.lago_id, customer_id: "synced-payer" },
    });
    const shown = (await lago.customers.findCustomer("synced-payer")).data.customer;
    expect(shown.billing_configuration).toMatchObject({
      payment_provider: "stripe",
      payment_provider_code: "stripe",
      provider_customer_id: stripeCustomer.id,
    });

    const told = webhooksOf("customer.payment_provider_created") as Array<
      LagoWebhookPayloads["customer.payment_provider_created"]
    >;
    expect(told).toHaveLength(1);
    expect(told[0]).toMatchObject({
      object_type: "customer",
      organization_id: runtime.organizationId,
      customer: {
        lago_id: created.lago_id,
        external_id: "synced-payer",
        billing_configuration: { provider_customer_id: stripeCustomer.id },
      },
    });

    // The customer adds a card at Stripe; its invoice is then collected from that Stripe customer.
    stripe.addCustomer(stripeCustomer.id, {
      defaultPaymentMethod: "pm_synced",
      paymentMethods: [],
      behaviour: "succeed",
    });
    const invoices = await billFiveSeats(runtime, lago, "synced-payer");
    const invoice = invoices[0] as InvoiceObject;
    expect(invoice).toMatchObject({ status: "finalized", total_amount_cents: 1000 });
    const intents = stripe.intents.filter(
      (intent) => (intent.metadata as Record<string, string>).lago_invoice_id === invoice.lago_id,
    );
    expect(intents).toHaveLength(1);
    expect(intents[0]).toMatchObject({ customer: stripeCustomer.id, payment_method: "pm_synced" });
    expect((await lago.invoices.findInvoice(invoice.lago_id)).data.invoice).toMatchObject({
      payment_status: "succeeded",
    });
  });

  it("refused by Stripe is told by customer.payment_provider_error and keeps no provider customer id", async () => {
    // The endpoint made by the previous test receives this one's webhooks too.
    stripe.refuseCustomerCreation(
      (params) => (params.metadata as Record<string, string>).customer_id === "refused-payer",
      {
        status: 403,
        error: {
          type: "invalid_request_error",
          code: "secret_key_required",
          message: "This API call cannot be made with a publishable API key.",
        },
      },
    );
    await lago.customers.createCustomer({
      customer: {
        external_id: "refused-payer",
        name: "Refused Payer",
        billing_configuration: { payment_provider: "stripe", sync_with_provider: true },
      },
    });
    await control(runtime, "/_local/drain");
    const shown = (await lago.customers.findCustomer("refused-payer")).data.customer;
    expect(shown.billing_configuration?.provider_customer_id).toBeNull();
    const told = webhooksOf("customer.payment_provider_error") as Array<
      LagoWebhookPayloads["customer.payment_provider_error"]
    >;
    expect(told).toEqual([
      {
        webhook_type: "customer.payment_provider_error",
        object_type: "payment_provider_customer_error",
        organization_id: runtime.organizationId,
        payment_provider_customer_error: {
          lago_customer_id: shown.lago_id,
          external_customer_id: "refused-payer",
          payment_provider: "stripe",
          payment_provider_code: "stripe",
          provider_error: {
            message: "This API call cannot be made with a publishable API key.",
            error_code: "secret_key_required",
          },
        },
      },
    ]);
  });
});
