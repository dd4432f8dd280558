/**
 * Contract: invoice and fee lists through lago-javascript-client, unchanged, against the local
 * runtime: `findAllInvoices` with the array filters it sends (`statuses[]`, `payment_statuses[]`),
 * `findAllCustomerInvoices`, `findAllFees` and `findFee`, and their errors in Lago's shape.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { LocalRuntime } from "../../infra/local/runtime.js";
import {
  control,
  type Lago,
  lagoError,
  notFoundError,
  startContractRuntime,
  validationError,
} from "../support/lago.js";

let runtime: LocalRuntime;
let lago: Lago;
let stranger: Lago;

beforeAll(async () => {
  ({ runtime, lago, stranger } = await startContractRuntime());
  const metric = await lago.billableMetrics.createBillableMetric({
    billable_metric: { name: "API calls", code: "api_calls", aggregation_type: "count_agg" },
  });
  await lago.plans.createPlan({
    plan: {
      name: "Startup",
      code: "startup",
      interval: "monthly",
      amount_cents: 1000,
      amount_currency: "USD",
      pay_in_advance: false,
      charges: [
        {
          billable_metric_id: metric.data.billable_metric.lago_id,
          charge_model: "standard",
          properties: { amount: "0.5" },
        },
      ],
    },
  });
  await lago.customers.createCustomer({
    customer: { external_id: "acme", name: "Acme Corp", currency: "USD" },
  });
  const subscription = await lago.subscriptions.createSubscription({
    subscription: { external_customer_id: "acme", plan_code: "startup", external_id: "acme-main" },
  });
  for (const transaction of ["t1", "t2"])
    await lago.events.createEvent({
      event: { transaction_id: transaction, external_subscription_id: "acme-main", code: "api_calls" },
    });
  const periodEnd = subscription.data.subscription.current_billing_period_ending_at as string;
  const tick = await control(runtime, "/_local/tick", {
    now: new Date(Date.parse(periodEnd) + 1000).toISOString(),
  });
  expect(tick.status).toBe(200);
});
afterAll(() => runtime?.stop());

describe("invoice lists through lago-javascript-client", () => {
  it("filters by statuses[] and payment_statuses[] as the client sends them", async () => {
    const finalized = await lago.invoices.findAllInvoices({
      "statuses[]": ["finalized", "voided"],
      "payment_statuses[]": ["pending"],
      per_page: 10,
    });
    expect(finalized.data.invoices).toHaveLength(1);
    expect(finalized.data.invoices[0]).toMatchObject({
      status: "finalized",
      payment_status: "pending",
      customer: { external_id: "acme" },
    });
    expect(finalized.data.meta).toMatchObject({ current_page: 1, total_count: 1, total_pages: 1 });
    expect((await lago.invoices.findAllInvoices({ "statuses[]": ["draft"] })).data.invoices).toEqual([]);
    // The base fee is prorated from the clock's start: the amounts are the invoice's own.
    const total = finalized.data.invoices[0]?.total_amount_cents ?? 0;
    expect(total).toBeGreaterThan(100);
    const search = { search_term: "ACME corp", amount_from: total, amount_to: total };
    expect((await lago.invoices.findAllInvoices(search)).data.invoices).toHaveLength(1);
    expect(
      (await lago.invoices.findAllInvoices({ ...search, amount_from: total + 1 })).data.invoices,
    ).toEqual([]);
    expect((await lago.invoices.findAllInvoices({ payment_overdue: true })).data.invoices).toEqual([]);
  });

  it("lists a customer's invoices, and answers 404 customer_not_found for an unknown one", async () => {
    const mine = await lago.customers.findAllCustomerInvoices("acme", { status: "finalized" });
    expect(mine.data.invoices).toHaveLength(1);
    expect(await lagoError(lago.customers.findAllCustomerInvoices("nobody"))).toEqual(
      notFoundError("customer"),
    );
    expect(await lagoError(stranger.customers.findAllCustomerInvoices("acme"))).toEqual(
      notFoundError("customer"),
    );
  });

  it("answers an unknown filter value with a 422 naming it", async () => {
    const refused = lago.invoices.findAllInvoices({
      "statuses[]": ["paid" as "draft"],
    });
    expect(await lagoError(refused)).toEqual(validationError({ status: ["value_is_invalid"] }));
  });
});

describe("fee lists through lago-javascript-client", () => {
  it("lists the invoice's fees with Lago's filters, and finds each by its id", async () => {
    const all = await lago.fees.findAllFees({ external_customer_id: "acme" });
    expect(all.data.fees.map((fee) => fee.item.type).sort()).toEqual(["charge", "subscription"]);
    expect(all.data.meta).toMatchObject({ total_count: 2 });
    const [charge] = (await lago.fees.findAllFees({ fee_type: "charge", billable_metric_code: "api_calls" }))
      .data.fees;
    expect(charge).toMatchObject({
      amount_cents: 100,
      units: "2.0",
      amount_currency: "USD",
      applied_taxes: [],
    });
    const found = await lago.fees.findFee(charge?.lago_id ?? "");
    expect(found.data.fee).toEqual(charge);
    expect(await lagoError(lago.fees.findFee("00000000-0000-8000-8000-000000000000"))).toEqual(
      notFoundError("fee"),
    );
    expect(await lagoError(stranger.fees.findFee(charge?.lago_id ?? ""))).toEqual(notFoundError("fee"));
    expect(await lagoError(lago.fees.findAllFees({ fee_type: "usage" as "charge" }))).toEqual(
      validationError({ fee_type: ["value_is_invalid"] }),
    );
  });
});
