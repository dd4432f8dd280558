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
import {
  control,
  daysFrom,
  type Lago,
  lagoError,
  startContractRuntime,
  validationError,
} from "../support/lago.js";
import { type StripeStandIn, startStripeStandIn } from "../support/stripe-stand-in.js";

let runtime: LocalRuntime;
let lago: Lago;
let stripe: StripeStandIn;

beforeAll(async () => {
  stripe = await startStripeStandIn();
  // Read by the runtime's handlers when they first use the Stripe account.
  process.env.STRIPE_API_URL = stripe.url;
  ({ runtime, lago } = await startContractRuntime());
  await lago.billableMetrics.createBillableMetric({
    billable_metric: { name: "Seats", code: "seats", aggregation_type: "sum_agg", field_name: "count" },
  });
  const seats = (await lago.billableMetrics.findBillableMetric("seats")).data.billable_metric;
  await lago.plans.createPlan({
    plan: {
      name: "Seats",
      code: "seats",
      interval: "monthly",
      amount_cents: 0,
      amount_currency: "EUR",
      pay_in_advance: false,
      charges: [{ billable_metric_id: seats.lago_id, charge_model: "standard", properties: { amount: "2" } }],
    } as never,
  });
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

    const subscription = (
      await lago.subscriptions.createSubscription({
        subscription: {
          external_customer_id: "stripe-payer",
          plan_code: "seats",
          external_id: "stripe-payer-sub",
        },
      })
    ).data.subscription;
    await lago.events.createEvent({
      event: {
        transaction_id: "stripe-payer-1",
        external_subscription_id: "stripe-payer-sub",
        code: "seats",
        properties: { count: 5 },
      },
    });
    await control(runtime, "/_local/drain");
    const closesAt = new Date(Date.parse(subscription.current_billing_period_ending_at as string) + 1000);
    await control(runtime, "/_local/tick", { now: daysFrom(closesAt.toISOString(), 1 / 24) });
    const { invoices } = (await lago.invoices.findAllInvoices({ external_customer_id: "stripe-payer" })).data;
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
