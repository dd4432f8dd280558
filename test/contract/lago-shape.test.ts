/**
 * An invoice read back through lago-javascript-client in Lago's exact shape: fees' precise
 * amounts in currency units, a charge fee's item naming its billable metric with its filter and
 * pricing group, applied taxes with ids of their own, the full customer and subscriptions, and
 * the billing period.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { LocalRuntime } from "../../infra/local/runtime.js";
import { control, type Lago, startContractRuntime } from "../support/lago.js";

let runtime: LocalRuntime;
let lago: Lago;

beforeAll(async () => {
  ({ runtime, lago } = await startContractRuntime());
});
afterAll(() => runtime?.stop());

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;

describe("an invoice in Lago's shape", () => {
  it("shows its fees, taxes, customer, subscriptions and billing period as Lago does", async () => {
    await lago.taxes.createTax({ tax: { name: "VAT", code: "vat", rate: "20" } });
    const requests = await lago.billableMetrics.createBillableMetric({
      billable_metric: {
        name: "Requests",
        code: "requests",
        aggregation_type: "sum_agg",
        field_name: "count",
        filters: [{ key: "region", values: ["eu", "us"] }],
      },
    });
    const seats = await lago.billableMetrics.createBillableMetric({
      billable_metric: {
        name: "Seats",
        code: "seats",
        aggregation_type: "unique_count_agg",
        field_name: "user",
      },
    });
    const plan = await lago.plans.createPlan({
      plan: {
        name: "Shape",
        code: "shape",
        interval: "monthly",
        amount_cents: 1000,
        amount_currency: "EUR",
        pay_in_advance: false,
        tax_codes: ["vat"],
        charges: [
          {
            billable_metric_id: requests.data.billable_metric.lago_id,
            charge_model: "standard",
            properties: { amount: "0.001" },
            filters: [
              {
                invoice_display_name: "EU requests",
                properties: { amount: "0.002" },
                values: { region: ["eu"] },
              },
            ],
          },
          {
            billable_metric_id: seats.data.billable_metric.lago_id,
            charge_model: "standard",
            properties: { amount: "5", pricing_group_keys: ["team"] },
          },
        ],
      } as never,
    });
    await lago.customers.createCustomer({
      customer: { external_id: "shape", name: "Shape Co", currency: "EUR", timezone: "America/New_York" },
    });
    const subscription = (
      await lago.subscriptions.createSubscription({
        subscription: { external_customer_id: "shape", plan_code: "shape", external_id: "shape-sub" },
      })
    ).data.subscription;
    await lago.events.createBatchEvents({
      events: [
        { transaction_id: "eu", code: "requests", properties: { count: 1234, region: "eu" } },
        { transaction_id: "us", code: "requests", properties: { count: 500, region: "us" } },
        { transaction_id: "ann", code: "seats", properties: { user: "ann", team: "red" } },
      ].map((event) => ({ ...event, external_subscription_id: "shape-sub" })),
    });
    await control(runtime, "/_local/drain");
    const periodEnd = subscription.current_billing_period_ending_at as string;
    await control(runtime, "/_local/tick", { now: new Date(Date.parse(periodEnd) + 1000).toISOString() });

    const [listed] = (await lago.invoices.findAllInvoices({ external_customer_id: "shape" })).data.invoices;
    const invoice = (await lago.invoices.findInvoice(listed?.lago_id ?? "")).data.invoice;
    expect(listed).toEqual(invoice);

    const fees = invoice.fees ?? [];
    const eu = fees.find((fee) => fee.item.filters !== null && fee.item.code === "requests");
    // 1,234 EU requests at 0.002 € = 2.468 €: 247 cents billed, the precise amount in euros.
    expect(eu).toMatchObject({ amount_cents: 247, precise_amount: "2.468", units: "1234.0" });
    expect(eu?.item).toEqual({
      type: "charge",
      code: "requests",
      name: "Requests",
      description: null,
      invoice_display_name: "Requests",
      filter_invoice_display_name: "EU requests",
      filters: { region: ["eu"] },
      lago_item_id: requests.data.billable_metric.lago_id,
      item_type: "BillableMetric",
      grouped_by: {},
    });
    const seat = fees.find((fee) => fee.item.code === "seats");
    expect(seat?.item).toMatchObject({
      lago_item_id: seats.data.billable_metric.lago_id,
      grouped_by: { team: "red" },
      filters: null,
    });
    expect(seat).toMatchObject({ amount_cents: 500, precise_amount: "5.0" });
    const base = fees.find((fee) => fee.item.type === "subscription");
    expect(base?.item).toMatchObject({ lago_item_id: subscription.lago_id, item_type: "Subscription" });

    const [vat] = invoice.applied_taxes ?? [];
    expect(vat?.lago_id).toMatch(UUID);
    expect(vat).toMatchObject({ lago_invoice_id: invoice.lago_id, tax_code: "vat", tax_rate: 20 });

    expect(invoice.customer).toMatchObject({
      external_id: "shape",
      name: "Shape Co",
      applicable_timezone: "America/New_York",
      currency: "EUR",
      billing_configuration: { invoice_grace_period: null },
      integration_customers: [],
    });
    expect(invoice.subscriptions).toEqual([
      expect.objectContaining({
        lago_id: subscription.lago_id,
        external_id: "shape-sub",
        plan_code: "shape",
        plan_amount_cents: 1000,
        status: "active",
      }),
    ]);
    const [period] = invoice.billing_periods ?? [];
    expect(period).toMatchObject({
      lago_subscription_id: subscription.lago_id,
      external_subscription_id: "shape-sub",
      lago_plan_id: plan.data.plan.lago_id,
      charges_to_datetime: periodEnd,
      invoicing_reason: "subscription_periodic",
    });
    expect(Date.parse(period?.charges_from_datetime ?? "")).toBe(Date.parse(subscription.started_at ?? ""));
  });
});
