/**
 * Events and usage reads through lago-javascript-client: events sent with duplicates, late and
 * for an unknown subscription, then listed, filtered, paginated and found one by one; past usage
 * of a closed period and current usage of the open one; and other organizations seeing nothing.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { LocalRuntime } from "../../infra/local/runtime.js";
import {
  CONTRACT_CLOCK_START,
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
let subscriptionId: string;
let customerId: string;

// The subscription started on the first day of the month before last (UTC): last month's period is
// closed, this month's is open, whatever day the runtime's clock starts on.
const now = new Date(CONTRACT_CLOCK_START);
const monthStart = (monthsBack: number) =>
  new Date(Date.UTC(now.getUTCFullYear(), now.getUTCMonth() - monthsBack, 1));
const startedAt = monthStart(2);
const lastMonth = monthStart(1);
const seconds = (date: Date, days: number) => Math.floor(date.getTime() / 1000) + days * 86_400;

beforeAll(async () => {
  ({ runtime, lago, stranger } = await startContractRuntime());
  const metric = async (name: string, code: string, extra: { field_name?: string } = {}) =>
    (
      await lago.billableMetrics.createBillableMetric({
        billable_metric: {
          name,
          code,
          aggregation_type: extra.field_name ? "sum_agg" : "count_agg",
          ...extra,
        },
      })
    ).data.billable_metric.lago_id;
  const apiCalls = await metric("API calls", "api_calls", { field_name: "count" });
  const logins = await metric("Logins", "logins");
  await lago.plans.createPlan({
    plan: {
      name: "Metered",
      code: "metered",
      interval: "monthly",
      amount_cents: 0,
      amount_currency: "EUR",
      pay_in_advance: false,
      charges: [
        { billable_metric_id: apiCalls, charge_model: "standard", properties: { amount: "0.01" } },
        { billable_metric_id: logins, charge_model: "standard", properties: { amount: "1" } },
      ],
    },
  });
  const customer = await lago.customers.createCustomer({
    customer: { external_id: "ev-buyer", currency: "EUR", timezone: "UTC" },
  });
  customerId = customer.data.customer.lago_id;
  const subscription = await lago.subscriptions.createSubscription({
    subscription: {
      external_customer_id: "ev-buyer",
      plan_code: "metered",
      external_id: "ev-sub",
      billing_time: "calendar",
      subscription_at: startedAt.toISOString(),
    },
  });
  subscriptionId = subscription.data.subscription.lago_id;

  const event = (transaction_id: string, code: string, count: number, timestamp?: number) => ({
    transaction_id,
    external_subscription_id: "ev-sub",
    code,
    properties: { count },
    ...(timestamp === undefined ? {} : { timestamp }),
  });
  await lago.events.createBatchEvents({
    events: [
      // Last month, sent late: counted in last month's (closed) period.
      event("late-1", "api_calls", 100, seconds(lastMonth, 2)),
      event("late-2", "api_calls", 250, seconds(lastMonth, 10)),
      event("late-login", "logins", 0, seconds(lastMonth, 11)),
      // Now (no timestamp: reception time): this month's period.
      event("now-1", "api_calls", 40),
      // The same transaction id twice in one batch, at this period's first instant: the first is kept.
      event("now-2", "api_calls", 7, seconds(monthStart(0), 0)),
      event("now-2", "api_calls", 7_000, seconds(monthStart(0), 0)),
    ],
  });
  // The client resends a batch (a retry after a timeout) and one event reaches an unknown subscription.
  await lago.events.createBatchEvents({
    events: [event("late-1", "api_calls", 100, seconds(lastMonth, 2))],
  });
  await lago.events.createEvent({
    event: {
      transaction_id: "ghost-1",
      external_subscription_id: "no-such-sub",
      code: "api_calls",
      properties: {},
    },
  });
  await control(runtime, "/_local/drain");
});
afterAll(() => runtime?.stop());

describe("GET /events", () => {
  it("lists a subscription's events once each, newest first, with its customer and subscription", async () => {
    const { events, meta } = (await lago.events.findAllEvents({ external_subscription_id: "ev-sub" })).data;
    expect(events.map((e) => e.transaction_id)).toEqual(["now-1", "now-2", "late-login", "late-2", "late-1"]);
    expect(meta).toMatchObject({ current_page: 1, total_count: 5, total_pages: 1 });
    const nowTwo = events[1];
    expect(nowTwo).toMatchObject({
      transaction_id: "now-2",
      code: "api_calls",
      properties: { count: 7 },
      lago_customer_id: customerId,
      lago_subscription_id: subscriptionId,
      external_subscription_id: "ev-sub",
    });
    expect(events.find((e) => e.transaction_id === "late-2")?.timestamp).toBe(
      new Date(seconds(lastMonth, 10) * 1000).toISOString(),
    );
  });

  it("lists the organization's events, the unknown subscription's without a subscription", async () => {
    const { events, meta } = (await lago.events.findAllEvents()).data;
    expect(meta.total_count).toBe(6);
    expect(new Set(events.map((e) => e.lago_id)).size).toBe(6);
    expect(events.find((e) => e.transaction_id === "ghost-1")).toMatchObject({
      external_subscription_id: "no-such-sub",
      lago_subscription_id: null,
      lago_customer_id: null,
    });
  });

  it("filters by code and timestamp range, and pages", async () => {
    const logins = (await lago.events.findAllEvents({ external_subscription_id: "ev-sub", code: "logins" }))
      .data;
    expect(logins.events.map((e) => e.transaction_id)).toEqual(["late-login"]);

    const lastMonthOnly = (
      await lago.events.findAllEvents({
        external_subscription_id: "ev-sub",
        timestamp_from: lastMonth.toISOString(),
        // Both bounds are inclusive: the last second of last month.
        timestamp_to: new Date(monthStart(0).getTime() - 1000).toISOString(),
      })
    ).data;
    expect(lastMonthOnly.events.map((e) => e.transaction_id)).toEqual(["late-login", "late-2", "late-1"]);

    const page = (
      await lago.events.findAllEvents({ external_subscription_id: "ev-sub", per_page: 2, page: 2 })
    ).data;
    expect(page.events.map((e) => e.transaction_id)).toEqual(["late-login", "late-2"]);
    expect(page.meta).toMatchObject({
      current_page: 2,
      next_page: 3,
      prev_page: 1,
      total_pages: 3,
      total_count: 5,
    });
  });

  it("timestamp_from_started_at drops events from before the subscription started", async () => {
    await lago.events.createEvent({
      event: {
        transaction_id: "before-start",
        external_subscription_id: "ev-sub",
        code: "logins",
        timestamp: seconds(startedAt, -3),
      },
    });
    await control(runtime, "/_local/drain");
    const all = (await lago.events.findAllEvents({ external_subscription_id: "ev-sub", code: "logins" }))
      .data;
    expect(all.events.map((e) => e.transaction_id)).toEqual(["late-login", "before-start"]);
    const fromStart = (
      await lago.events.findAllEvents({
        external_subscription_id: "ev-sub",
        code: "logins",
        timestamp_from_started_at: true,
      })
    ).data;
    expect(fromStart.events.map((e) => e.transaction_id)).toEqual(["late-login"]);
    expect(await lagoError(lago.events.findAllEvents({ timestamp_from_started_at: true }))).toMatchObject(
      validationError({ external_subscription_id: ["value_is_mandatory"] }),
    );
  });

  it("refuses an invalid date with Lago's validation error", async () => {
    expect(await lagoError(lago.events.findAllEvents({ timestamp_from: "yesterday" }))).toMatchObject({
      status: 422,
      code: "validation_errors",
      error_details: { timestamp_from: expect.any(Array) },
    });
  });
});

describe("GET /events/{transaction_id}", () => {
  it("finds an event by transaction id, as first received", async () => {
    const { event } = (await lago.events.findEvent("now-2")).data;
    expect(event).toMatchObject({
      transaction_id: "now-2",
      properties: { count: 7 },
      lago_subscription_id: subscriptionId,
    });
    // Lago's client has no parameter for it: with external_subscription_id, the event is read directly.
    const direct = await fetch(`${runtime.apiUrl}/events/late-1?external_subscription_id=ev-sub`, {
      headers: { authorization: `Bearer ${runtime.apiKey}` },
    });
    expect(await direct.json()).toMatchObject({
      event: { transaction_id: "late-1", properties: { count: 100 } },
    });
  });

  it("answers event_not_found for an unknown transaction id or another organization's event", async () => {
    expect(await lagoError(lago.events.findEvent("never-sent"))).toEqual(notFoundError("event"));
    expect(await lagoError(stranger.events.findEvent("now-2"))).toEqual(notFoundError("event"));
    expect((await stranger.events.findAllEvents()).data.meta.total_count).toBe(0);
  });
});

describe("usage", () => {
  it("past_usage prices the closed periods from its late events, the duplicate counted once", async () => {
    const { usage_periods, meta } = (
      await lago.customers.findAllCustomerPastUsage("ev-buyer", { external_subscription_id: "ev-sub" })
    ).data;
    // Two closed periods, newest first: last month's with the late events, and the empty one before.
    expect(meta.total_count).toBe(2);
    expect(usage_periods[1]).toMatchObject({ from_datetime: startedAt.toISOString(), amount_cents: 0 });
    const [late] = usage_periods;
    // Last month is invoiced only when the subscription was created on its billing day (a clock
    // on the 1st): past usage names that invoice, else none.
    const invoices = (await lago.invoices.findAllInvoices({ external_customer_id: "ev-buyer" })).data
      .invoices;
    // Last month's invoice is issued on this month's first day (no grace period here).
    const lastMonthInvoice = invoices.find(
      (invoice) => invoice.issuing_date === monthStart(0).toISOString().slice(0, 10),
    );
    // api_calls 100 + 250 = 350 × 0.01 = 3.50; logins 1 × 1 = 1.00 (the one before the start is not counted).
    expect(late).toMatchObject({
      from_datetime: lastMonth.toISOString(),
      amount_cents: 450,
      lago_invoice_id: lastMonthInvoice?.lago_id ?? null,
    });
    expect(late?.charges_usage.map((c) => [c.billable_metric.code, c.units, c.amount_cents])).toEqual([
      ["api_calls", "350.0", 350],
      ["logins", "1.0", 100],
    ]);
    const limited = (
      await lago.customers.findAllCustomerPastUsage("ev-buyer", {
        external_subscription_id: "ev-sub",
        periods_count: 1,
      })
    ).data;
    expect(limited.usage_periods.map((p) => p.from_datetime)).toEqual([lastMonth.toISOString()]);
  });

  it("current_usage counts only this period's events, each once", async () => {
    const usage = (
      await lago.customers.findCustomerCurrentUsage("ev-buyer", { external_subscription_id: "ev-sub" })
    ).data.customer_usage;
    // api_calls 40 + 7 = 47 × 0.01 = 0.47; no logins this period.
    expect(usage).toMatchObject({ from_datetime: monthStart(0).toISOString(), amount_cents: 47 });
    expect(usage.charges_usage.find((c) => c.billable_metric.code === "api_calls")?.units).toBe("47.0");
  });

  it("past_usage needs the subscription and answers Lago's errors", async () => {
    expect(
      await lagoError(
        lago.customers.findAllCustomerPastUsage("ev-buyer", { external_subscription_id: "no-such-sub" }),
      ),
    ).toEqual(notFoundError("subscription"));
    expect(
      await lagoError(
        stranger.customers.findAllCustomerPastUsage("ev-buyer", { external_subscription_id: "ev-sub" }),
      ),
    ).toEqual(notFoundError("customer"));
  });
});
