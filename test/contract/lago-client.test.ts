/**
 * Contract: Lago's official JavaScript client, unchanged, drives the local runtime (real handlers,
 * real queues and tables on moto_server) through one billing cycle.
 */
import { Client, getLagoError } from "lago-javascript-client";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { LocalRuntime } from "../../infra/local/runtime.js";
import { startContractRuntime } from "../support/lago.js";

let runtime: LocalRuntime;
let lago: ReturnType<typeof Client>;

beforeAll(async () => {
  ({ runtime } = await startContractRuntime());
  lago = Client(runtime.apiKey, { baseUrl: runtime.apiUrl });
});
afterAll(() => runtime?.stop());

async function control(path: string, body: unknown = {}) {
  const response = await fetch(`${runtime.url}${path}`, { method: "POST", body: JSON.stringify(body) });
  return { status: response.status, body: (await response.json()) as Record<string, unknown> };
}

async function lagoError(call: Promise<unknown>): Promise<unknown> {
  try {
    await call;
  } catch (error) {
    return getLagoError(error);
  }
  throw new Error("the call succeeded");
}

describe("one billing cycle through lago-javascript-client", () => {
  let periodEnd: string;

  it("configures a count_agg metric, a monthly plan with a standard charge, a customer and a subscription", async () => {
    const metric = await lago.billableMetrics.createBillableMetric({
      billable_metric: { name: "API calls", code: "api_calls", aggregation_type: "count_agg" },
    });
    expect(metric.data.billable_metric).toMatchObject({ code: "api_calls", aggregation_type: "count_agg" });

    const plan = await lago.plans.createPlan({
      plan: {
        name: "Startup",
        code: "startup",
        interval: "monthly",
        amount_cents: 0,
        amount_currency: "USD",
        pay_in_advance: false,
        charges: [
          {
            billable_metric_id: metric.data.billable_metric.lago_id,
            charge_model: "standard",
            properties: { amount: "0.05" },
          },
        ],
      },
    });
    expect(plan.data.plan.charges?.[0]).toMatchObject({
      charge_model: "standard",
      properties: { amount: "0.05" },
    });

    const customer = await lago.customers.createCustomer({
      customer: { external_id: "acme", name: "Acme", currency: "USD", timezone: "America/New_York" },
    });
    expect(customer.data.customer).toMatchObject({
      external_id: "acme",
      applicable_timezone: "America/New_York",
    });

    const subscription = await lago.subscriptions.createSubscription({
      subscription: { external_customer_id: "acme", plan_code: "startup", external_id: "acme-main" },
    });
    expect(subscription.data.subscription).toMatchObject({ status: "active", plan_code: "startup" });
    periodEnd = subscription.data.subscription.current_billing_period_ending_at as string;
    expect(periodEnd).toMatch(/T0[34]:59:59/); // local 23:59:59 in New York (EDT or EST)
  });

  it("counts events sent one by one and in a batch, with a repeat, in current usage", async () => {
    const single = await lago.events.createEvent({
      event: { transaction_id: "call-1", external_subscription_id: "acme-main", code: "api_calls" },
    });
    expect(single.data.event).toMatchObject({ transaction_id: "call-1", code: "api_calls" });
    await lago.events.createBatchEvents({
      events: Array.from({ length: 100 }, (_, i) => ({
        transaction_id: `call-${i + 2}`,
        external_subscription_id: "acme-main",
        code: "api_calls",
      })),
    });
    // A retried request: the same transaction ids again.
    await lago.events.createBatchEvents({
      events: [1, 2, 3].map((i) => ({
        transaction_id: `call-${i}`,
        external_subscription_id: "acme-main",
        code: "api_calls",
      })),
    });
    expect((await control("/_local/drain")).status).toBe(200);

    const usage = await lago.customers.findCustomerCurrentUsage("acme", {
      external_subscription_id: "acme-main",
    });
    expect(usage.data.customer_usage).toMatchObject({
      currency: "USD",
      amount_cents: 505, // 101 calls × $0.05
      total_amount_cents: 505,
      charges_usage: [expect.objectContaining({ units: "101.0", events_count: 101, amount_cents: 505 })],
    });
  });

  it("answers errors in Lago's shape through the client", async () => {
    expect(await lagoError(lago.plans.findPlan("no-such-plan"))).toEqual({
      status: 404,
      error: "Not Found",
      code: "plan_not_found",
    });
    expect(
      await lagoError(
        // An unknown zone, which the client's own types would not let through.
        lago.customers.createCustomer({ customer: { external_id: "tz", timezone: "Mars/Olympus" as never } }),
      ),
    ).toEqual({
      status: 422,
      error: "Unprocessable Entity",
      code: "validation_errors",
      error_details: { timezone: ["invalid_timezone"] },
    });
    const stranger = Client("not-a-key", { baseUrl: runtime.apiUrl });
    expect(await lagoError(stranger.customers.findAllCustomers())).toEqual({
      status: 401,
      error: "Unauthorized",
    });
  });

  it("keeps organizations apart: another organization's key sees 404", async () => {
    const created = await control("/_local/organizations", { name: "Globex" });
    expect(created.status).toBe(200);
    const other = Client(created.body.api_key as string, { baseUrl: runtime.apiUrl });
    expect(await lagoError(other.customers.findCustomer("acme"))).toMatchObject({
      status: 404,
      code: "customer_not_found",
    });
    expect((await other.customers.findAllCustomers()).data.customers).toEqual([]);
  });

  it("invoices the period when the billing clock ticks at its end, and lists the invoice", async () => {
    const before = await control("/_local/tick", {
      now: new Date(Date.parse(periodEnd) - 60_000).toISOString(),
    });
    expect(before.status).toBe(200);
    expect((await lago.invoices.findAllInvoices({ external_customer_id: "acme" })).data.invoices).toEqual([]);

    const tick = await control("/_local/tick", { now: new Date(Date.parse(periodEnd) + 1000).toISOString() });
    expect(tick.body).toMatchObject({
      drained: true,
      jobs: [
        { function: "catalog-clock" },
        { function: "aggregate-event-errors" },
        { function: "invoicing-clock" },
      ],
    });
    const invoices = await lago.invoices.findAllInvoices({ external_customer_id: "acme" });
    expect(invoices.data.invoices).toHaveLength(1);
    expect(invoices.data.invoices[0]).toMatchObject({
      status: "finalized",
      invoice_type: "subscription",
      currency: "USD",
      fees_amount_cents: 505,
      total_amount_cents: 505,
      payment_status: "pending",
    });
    expect(invoices.data.meta).toMatchObject({ total_count: 1 });

    // The same tick again changes nothing.
    await control("/_local/tick", { now: new Date(Date.parse(periodEnd) + 1000).toISOString() });
    expect((await lago.invoices.findAllInvoices({})).data.invoices).toHaveLength(1);
  });
});
