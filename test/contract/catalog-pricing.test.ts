/**
 * Billable metrics and plans through lago-javascript-client: every aggregation type and charge
 * model, Lago's validation answers, updates and deletions; then usage priced end to end with
 * several models, filters, groups and taxes, in current usage and on the invoice.
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
});
afterAll(() => runtime?.stop());

// The client's types describe only valid requests; invalid ones are sent as they are.
const metric = (body: Record<string, unknown>) =>
  lago.billableMetrics.createBillableMetric({ billable_metric: body as never });
const plan = (body: Record<string, unknown>) =>
  lago.plans.createPlan({
    plan: {
      interval: "monthly",
      amount_cents: 0,
      amount_currency: "EUR",
      pay_in_advance: false,
      ...body,
    } as never,
  });

describe("billable metrics", () => {
  it("creates every aggregation type with its field and options", async () => {
    const created = await Promise.all([
      metric({ name: "Calls", code: "calls", aggregation_type: "count_agg" }),
      metric({
        name: "Storage",
        code: "storage_gb",
        aggregation_type: "sum_agg",
        field_name: "gb",
        recurring: true,
        rounding_function: "ceil",
        rounding_precision: 2,
      }),
      metric({ name: "Peak", code: "peak", aggregation_type: "max_agg", field_name: "cpu" }),
      metric({ name: "Seats", code: "seats", aggregation_type: "unique_count_agg", field_name: "user_id" }),
      metric({ name: "Latest", code: "latest", aggregation_type: "latest_agg", field_name: "value" }),
      metric({
        name: "GB-seconds",
        code: "gb_seconds",
        aggregation_type: "weighted_sum_agg",
        field_name: "gb",
        weighted_interval: "seconds",
      }),
      metric({
        name: "Requests",
        code: "requests",
        aggregation_type: "sum_agg",
        field_name: "count",
        filters: [{ key: "region", values: ["eu", "us"] }],
      }),
    ]);
    expect(created.map((c) => c.data.billable_metric.aggregation_type)).toEqual([
      "count_agg",
      "sum_agg",
      "max_agg",
      "unique_count_agg",
      "latest_agg",
      "weighted_sum_agg",
      "sum_agg",
    ]);
    expect(created[1]?.data.billable_metric).toMatchObject({
      recurring: true,
      rounding_function: "ceil",
      rounding_precision: 2,
    });
    expect(created[0]?.data.billable_metric.field_name).toBeNull();
    const page = await lago.billableMetrics.findAllBillableMetrics({ per_page: 3, page: 3 });
    expect(page.data.meta).toMatchObject({
      current_page: 3,
      total_pages: 3,
      total_count: 7,
      prev_page: 2,
      next_page: null,
    });
  });

  it("refuses what Lago refuses, and changes nothing", async () => {
    expect(await lagoError(metric({ name: "X", code: "x", aggregation_type: "sum_agg" }))).toEqual(
      validationError({ field_name: ["value_is_mandatory"] }),
    );
    expect(
      await lagoError(
        metric({ name: "X", code: "x", aggregation_type: "max_agg", field_name: "v", recurring: true }),
      ),
    ).toEqual(validationError({ recurring: ["not_compatible_with_aggregation_type"] }));
    expect(
      await lagoError(
        metric({ name: "X", code: "x", aggregation_type: "weighted_sum_agg", field_name: "v" }),
      ),
    ).toEqual(validationError({ weighted_interval: ["value_is_invalid"] }));
    expect(await lagoError(metric({ name: "X", code: "x", aggregation_type: "median_agg" }))).toEqual(
      validationError({ aggregation_type: ["value_is_invalid"] }),
    );
    expect(await lagoError(metric({ name: "Dup", code: "calls", aggregation_type: "count_agg" }))).toEqual(
      validationError({ code: ["value_already_exist"] }),
    );
    expect(await lagoError(lago.billableMetrics.findBillableMetric("x"))).toEqual(
      notFoundError("billable_metric"),
    );
    expect(await lagoError(stranger.billableMetrics.findBillableMetric("calls"))).toEqual(
      notFoundError("billable_metric"),
    );
  });

  it("updates a metric, and keeps what it aggregates once a plan charges it", async () => {
    const renamed = await lago.billableMetrics.updateBillableMetric("latest", {
      billable_metric: { name: "Last value", code: "last_value", aggregation_type: "max_agg" } as never,
    });
    expect(renamed.data.billable_metric).toMatchObject({
      name: "Last value",
      code: "last_value",
      aggregation_type: "max_agg",
    });
    await plan({
      name: "Uses peak",
      code: "uses_peak",
      charges: [{ billable_metric_code: "peak", charge_model: "standard", properties: { amount: "1" } }],
    });
    const locked = await lago.billableMetrics.updateBillableMetric("peak", {
      billable_metric: { name: "Peak CPU", aggregation_type: "sum_agg" } as never,
    });
    expect(locked.data.billable_metric).toMatchObject({ name: "Peak CPU", aggregation_type: "max_agg" });
  });

  it("deleting a metric removes the charges pricing it", async () => {
    await lago.billableMetrics.destroyBillableMetric("peak");
    expect(await lagoError(lago.billableMetrics.findBillableMetric("peak"))).toEqual(
      notFoundError("billable_metric"),
    );
    expect((await lago.plans.findPlan("uses_peak")).data.plan.charges).toEqual([]);
  });
});

describe("plans", () => {
  const ranges = [
    { from_value: 0, to_value: 10, per_unit_amount: "1", flat_amount: "2" },
    { from_value: 11, to_value: null, per_unit_amount: "0.5", flat_amount: "0" },
  ];

  it("creates plans with every charge model", async () => {
    const created = await plan({
      name: "Everything",
      code: "everything",
      charges: [
        { billable_metric_code: "calls", charge_model: "standard", properties: { amount: "0.01" } },
        {
          billable_metric_code: "calls",
          charge_model: "graduated",
          properties: { graduated_ranges: ranges },
        },
        {
          billable_metric_code: "calls",
          charge_model: "package",
          properties: { amount: "5", package_size: 100, free_units: 10 },
        },
        {
          billable_metric_code: "requests",
          charge_model: "percentage",
          properties: { rate: "1.5", fixed_amount: "0.1" },
        },
        { billable_metric_code: "calls", charge_model: "volume", properties: { volume_ranges: ranges } },
        {
          billable_metric_code: "requests",
          charge_model: "graduated_percentage",
          properties: {
            graduated_percentage_ranges: [
              { from_value: 0, to_value: 10, rate: "1", flat_amount: "0" },
              { from_value: 11, to_value: null, rate: "2", flat_amount: "1" },
            ],
          },
        },
        { billable_metric_code: "requests", charge_model: "dynamic", properties: {} },
      ],
    });
    expect(created.data.plan.charges?.map((charge) => charge.charge_model)).toEqual([
      "standard",
      "graduated",
      "package",
      "percentage",
      "volume",
      "graduated_percentage",
      "dynamic",
    ]);
  });

  it("answers Lago's errors: bad properties, unknown metric or tax, repeated code — and stores nothing", async () => {
    const count = async () => (await lago.plans.findAllPlans()).data.meta.total_count;
    const before = await count();
    expect(
      await lagoError(
        plan({
          name: "Bad",
          code: "bad",
          charges: [
            { billable_metric_code: "calls", charge_model: "standard", properties: { amount: "-1" } },
          ],
        }),
      ),
    ).toEqual(validationError({ properties: ["invalid_amount"] }));
    expect(
      await lagoError(
        plan({
          name: "Bad",
          code: "bad",
          charges: [
            {
              billable_metric_code: "calls",
              charge_model: "graduated",
              properties: {
                graduated_ranges: [{ from_value: 5, to_value: null, per_unit_amount: "1", flat_amount: "0" }],
              },
            },
          ],
        }),
      ),
    ).toEqual(validationError({ properties: ["invalid_graduated_ranges"] }));
    expect(
      await lagoError(
        plan({
          name: "Bad",
          code: "bad",
          charges: [
            {
              billable_metric_code: "calls",
              charge_model: "volume",
              pay_in_advance: true,
              properties: { volume_ranges: ranges },
            },
          ],
        }),
      ),
    ).toEqual(validationError({ pay_in_advance: ["invalid_aggregation_type_or_charge_model"] }));
    expect(
      await lagoError(
        plan({
          name: "Bad",
          code: "bad",
          charges: [{ billable_metric_id: "no-such-id", charge_model: "standard" }],
        }),
      ),
    ).toEqual(notFoundError("billable_metric"));
    expect(await lagoError(plan({ name: "Bad", code: "bad", tax_codes: ["missing"] }))).toEqual(
      notFoundError("tax"),
    );
    expect(await lagoError(plan({ name: "Again", code: "everything" }))).toEqual(
      validationError({ code: ["value_already_exist"] }),
    );
    expect(await lagoError(plan({ name: "Bad", code: "bad", interval: "daily" }))).toEqual(
      validationError({ interval: ["value_is_invalid"] }),
    );
    expect(await count()).toBe(before);
    expect(await lagoError(stranger.plans.findPlan("everything"))).toEqual(notFoundError("plan"));
  });

  it("lists plans newest first, a page at a time", async () => {
    const all = await lago.plans.findAllPlans();
    const total = all.data.meta.total_count;
    const second = await lago.plans.findAllPlans({ per_page: 1, page: 2 });
    expect(second.data.plans.map((p) => p.code)).toEqual([all.data.plans[1]?.code]);
    expect(second.data.meta).toMatchObject({
      current_page: 2,
      prev_page: 1,
      total_pages: total,
      total_count: total,
    });
    expect((await stranger.plans.findAllPlans()).data.meta).toMatchObject({
      total_count: 0,
      current_page: 0,
    });
  });

  it("updates charges by id, adds and removes others", async () => {
    const current = (await lago.plans.findPlan("everything")).data.plan;
    const kept = current.charges?.[0];
    const updated = await lago.plans.updatePlan("everything", {
      plan: {
        name: "Everything v2",
        charges: [
          {
            id: kept?.lago_id,
            billable_metric_id: kept?.lago_billable_metric_id,
            charge_model: "standard",
            properties: { amount: "0.02" },
          },
          { billable_metric_code: "seats", charge_model: "standard", properties: { amount: "10" } },
        ],
      } as never,
    });
    expect(updated.data.plan.name).toBe("Everything v2");
    expect(
      updated.data.plan.charges?.map((charge) => [charge.lago_id === kept?.lago_id, charge.properties]),
    ).toEqual([
      [true, { amount: "0.02" }],
      [false, { amount: "10" }],
    ]);
  });
});

describe("usage priced end to end", () => {
  it("bills filters, groups, graduated, unique counts and taxes in current usage and on the invoice", async () => {
    await lago.taxes.createTax({ tax: { name: "VAT", code: "vat", rate: "20" } });
    await plan({
      name: "Usage",
      code: "usage",
      amount_cents: 1000,
      tax_codes: ["vat"],
      charges: [
        {
          billable_metric_code: "requests",
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
          billable_metric_code: "calls",
          charge_model: "graduated",
          properties: {
            graduated_ranges: [
              { from_value: 0, to_value: 10, per_unit_amount: "0", flat_amount: "0" },
              { from_value: 11, to_value: null, per_unit_amount: "0.1", flat_amount: "0" },
            ],
          },
        },
        {
          billable_metric_code: "seats",
          charge_model: "standard",
          properties: { amount: "5", pricing_group_keys: ["team"] },
        },
      ],
    });
    await lago.customers.createCustomer({ customer: { external_id: "buyer", currency: "EUR" } });
    const subscription = await lago.subscriptions.createSubscription({
      subscription: { external_customer_id: "buyer", plan_code: "usage", external_id: "buyer-sub" },
    });
    const events = [
      ...[1000, 2000].map((count, i) => ({
        code: "requests",
        properties: { count, region: "eu" },
        id: `eu${i}`,
      })),
      { code: "requests", properties: { count: 5000, region: "us" }, id: "us0" },
      ...Array.from({ length: 15 }, (_, i) => ({ code: "calls", properties: {}, id: `call${i}` })),
      ...[
        ["ann", "red"],
        ["bob", "red"],
        ["ann", "red"],
        ["cid", "blue"],
      ].map(([user, team], i) => ({ code: "seats", properties: { user_id: user, team }, id: `seat${i}` })),
    ];
    await lago.events.createBatchEvents({
      events: events.map((e) => ({
        transaction_id: e.id,
        external_subscription_id: "buyer-sub",
        code: e.code,
        properties: e.properties,
      })),
    });
    await control(runtime, "/_local/drain");

    const usage = (
      await lago.customers.findCustomerCurrentUsage("buyer", { external_subscription_id: "buyer-sub" })
    ).data.customer_usage;
    // requests: EU 3,000 × 0.002 = 6.00, US 5,000 × 0.001 = 5.00; calls: 5 above the free 10 × 0.1 = 0.50;
    // seats: red 2 users × 5 = 10.00, blue 1 × 5 = 5.00. Total 26.50, VAT 20 % 5.30.
    expect(usage).toMatchObject({ amount_cents: 2650, taxes_amount_cents: 530, total_amount_cents: 3180 });
    const requests = usage.charges_usage.find((c) => c.billable_metric.code === "requests");
    expect(requests?.filters?.map((f) => [f.values, f.units, f.amount_cents])).toEqual([
      [{ region: ["eu"] }, "3000.0", 600],
      [null, "5000.0", 500],
    ]);
    const seats = usage.charges_usage.find((c) => c.billable_metric.code === "seats");
    expect(seats?.grouped_usage?.map((g) => [g.grouped_by, g.units, g.amount_cents])).toEqual([
      [{ team: "blue" }, "1.0", 500],
      [{ team: "red" }, "2.0", 1000],
    ]);

    const periodEnd = subscription.data.subscription.current_billing_period_ending_at as string;
    await control(runtime, "/_local/tick", { now: new Date(Date.parse(periodEnd) + 1000).toISOString() });
    const [invoice] = (await lago.invoices.findAllInvoices({ external_customer_id: "buyer" })).data.invoices;
    const baseFee = (invoice?.fees_amount_cents ?? 0) - 2650;
    expect(baseFee).toBeGreaterThan(0);
    expect(invoice).toMatchObject({
      taxes_amount_cents: Math.round((2650 + baseFee) * 0.2),
      total_amount_cents: 2650 + baseFee + Math.round((2650 + baseFee) * 0.2),
    });
  });
});
