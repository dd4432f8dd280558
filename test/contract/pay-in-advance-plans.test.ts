/**
 * Plans paid in advance and yearly plans billing their charges monthly, through
 * lago-javascript-client on the local runtime with its manual clock: each invoice read back as a
 * Lago user reads it, every amount computed here from the dates the test runs at (the contract
 * clock's start, which the suite varies: a 1st, a 31st, a 29 February).
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { LocalRuntime } from "../../infra/local/runtime.js";
import {
  CONTRACT_CLOCK_START,
  cents,
  control,
  type Lago,
  startContractRuntime,
  utcDaysInclusive,
  utcMonthStart,
} from "../support/lago.js";

let runtime: LocalRuntime;
let lago: Lago;

beforeAll(async () => {
  ({ runtime, lago } = await startContractRuntime());
});
afterAll(() => runtime?.stop());

async function tick(now: string) {
  await control(runtime, "/_local/drain");
  await control(runtime, "/_local/tick", { now });
}

/** The customer's invoices, oldest first, each with its fees as [type, amount] and its reason. */
async function invoicesOf(externalCustomerId: string) {
  const listed = (await lago.invoices.findAllInvoices({ external_customer_id: externalCustomerId })).data
    .invoices;
  const shown = await Promise.all(
    listed.map(async (invoice) => (await lago.invoices.findInvoice(invoice.lago_id)).data.invoice),
  );
  return shown
    .sort((a, b) => a.created_at.localeCompare(b.created_at) || a.lago_id.localeCompare(b.lago_id))
    .map((invoice) => ({
      reason: invoice.billing_periods?.[0]?.invoicing_reason,
      fees: (invoice.fees ?? []).map((fee) => [fee.item.type, fee.amount_cents]),
      total: invoice.total_amount_cents,
    }));
}

describe("plans paid in advance, read through Lago's client", () => {
  it("bills the first month from the start day at once, the next month ahead with this month's usage, and a termination's usage only", async () => {
    await lago.billableMetrics.createBillableMetric({
      billable_metric: { name: "Calls", code: "advance_calls", aggregation_type: "count_agg" },
    });
    await lago.plans.createPlan({
      plan: {
        name: "Ahead",
        code: "ahead",
        interval: "monthly",
        amount_cents: 3000,
        amount_currency: "EUR",
        pay_in_advance: true,
        charges: [
          { billable_metric_code: "advance_calls", charge_model: "standard", properties: { amount: "2" } },
        ],
      } as never,
    });
    await lago.customers.createCustomer({
      customer: { external_id: "ahead", name: "Ahead Co", currency: "EUR" },
    });
    const subscription = (
      await lago.subscriptions.createSubscription({
        subscription: { external_customer_id: "ahead", plan_code: "ahead", external_id: "ahead-sub" },
      })
    ).data.subscription;
    expect(subscription.status).toBe("active");
    await control(runtime, "/_local/drain");
    const periodEnd = subscription.current_billing_period_ending_at as string;
    // The start day to the month's end, at 30.00 a month.
    const first = cents(
      (3000 * utcDaysInclusive(CONTRACT_CLOCK_START, periodEnd)) /
        utcDaysInclusive(utcMonthStart(periodEnd), periodEnd),
    );
    expect(await invoicesOf("ahead")).toEqual([
      { reason: "subscription_starting", fees: [["subscription", first]], total: first },
    ]);

    await lago.events.createBatchEvents({
      events: ["a", "b"].map((id) => ({
        transaction_id: `ahead-${id}`,
        code: "advance_calls",
        external_subscription_id: "ahead-sub",
      })),
    });
    const nextMonth = utcMonthStart(CONTRACT_CLOCK_START, 1);
    await tick(new Date(Date.parse(nextMonth) + 60_000).toISOString());
    // Next month's 30.00 ahead, this month's 2 calls × 2.00 in arrears.
    const [, periodic] = await invoicesOf("ahead");
    expect(periodic).toEqual({
      reason: "subscription_periodic",
      fees: [
        ["subscription", 3000],
        ["charge", 400],
      ],
      total: 3400,
    });

    await lago.events.createEvent({
      event: { transaction_id: "ahead-c", code: "advance_calls", external_subscription_id: "ahead-sub" },
    });
    await control(runtime, "/_local/drain");
    await lago.subscriptions.destroySubscription("ahead-sub");
    await control(runtime, "/_local/drain");
    const all = await invoicesOf("ahead");
    expect(all).toHaveLength(3);
    // The month was paid ahead: the termination bills its one call only.
    expect(all[2]).toEqual({ reason: "subscription_terminating", fees: [["charge", 200]], total: 200 });
  });

  it("bills a yearly plan's charges every month and its fee once a year", async () => {
    await lago.billableMetrics.createBillableMetric({
      billable_metric: { name: "Seats", code: "monthly_calls", aggregation_type: "count_agg" },
    });
    await lago.plans.createPlan({
      plan: {
        name: "Yearly",
        code: "yearly_monthly",
        interval: "yearly",
        amount_cents: 120_000,
        amount_currency: "EUR",
        pay_in_advance: true,
        bill_charges_monthly: true,
        charges: [
          { billable_metric_code: "monthly_calls", charge_model: "standard", properties: { amount: "1" } },
        ],
      } as never,
    });
    await lago.customers.createCustomer({
      customer: { external_id: "yearly", name: "Yearly Co", currency: "EUR" },
    });
    const subscription = (
      await lago.subscriptions.createSubscription({
        subscription: {
          external_customer_id: "yearly",
          plan_code: "yearly_monthly",
          external_id: "yearly-sub",
          billing_time: "anniversary",
        },
      })
    ).data.subscription;
    // Anniversary: the first year is billed whole at once; the billing period is a month.
    const monthEnd = subscription.current_billing_period_ending_at as string;
    const startedAt = subscription.started_at as string;
    expect(utcDaysInclusive(startedAt, monthEnd)).toBeGreaterThanOrEqual(28);
    expect(utcDaysInclusive(startedAt, monthEnd)).toBeLessThanOrEqual(31);
    await control(runtime, "/_local/drain");
    expect(await invoicesOf("yearly")).toEqual([
      { reason: "subscription_starting", fees: [["subscription", 120_000]], total: 120_000 },
    ]);
    for (const id of ["a", "b", "c"])
      await lago.events.createEvent({
        event: {
          transaction_id: `yearly-${id}`,
          code: "monthly_calls",
          external_subscription_id: "yearly-sub",
        },
      });
    await tick(new Date(Date.parse(monthEnd) + 60_000).toISOString());
    // A month later: the month's 3 calls, no base fee.
    const [, monthly] = await invoicesOf("yearly");
    expect(monthly).toEqual({ reason: "subscription_periodic", fees: [["charge", 300]], total: 300 });
  });
});
