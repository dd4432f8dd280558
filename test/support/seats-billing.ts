/**
 * The usage-only plan the payment contract tests bill: 2.00 EUR a seat, no base fee, so every
 * amount is the same whichever day the contract clock starts.
 */
import type { InvoiceObject } from "lago-javascript-client";
import type { LocalRuntime } from "../../infra/local/runtime.js";
import { control, daysFrom, type Lago } from "./lago.js";

/** Creates the `seats` metric and the monthly in-arrears `seats` plan charging it. */
export async function createSeatsPlan(lago: Lago): Promise<void> {
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
}

/**
 * Subscribes the existing customer `externalCustomerId` to `seats` (subscription
 * `<id>-sub`), sends 5 seats, and moves the clock an hour past the period's end: the customer's
 * invoices then hold the finalized 10.00 EUR invoice of that period.
 */
export async function billFiveSeats(
  runtime: LocalRuntime,
  lago: Lago,
  externalCustomerId: string,
): Promise<InvoiceObject[]> {
  const subscription = (
    await lago.subscriptions.createSubscription({
      subscription: {
        external_customer_id: externalCustomerId,
        plan_code: "seats",
        external_id: `${externalCustomerId}-sub`,
      },
    })
  ).data.subscription;
  await lago.events.createEvent({
    event: {
      transaction_id: `${externalCustomerId}-1`,
      external_subscription_id: `${externalCustomerId}-sub`,
      code: "seats",
      properties: { count: 5 },
    },
  });
  await control(runtime, "/_local/drain");
  const closesAt = new Date(Date.parse(subscription.current_billing_period_ending_at as string) + 1000);
  await control(runtime, "/_local/tick", { now: daysFrom(closesAt.toISOString(), 1 / 24) });
  return (await lago.invoices.findAllInvoices({ external_customer_id: externalCustomerId })).data.invoices;
}

/**
 * Sends `seats` seats (transaction `transaction`) to the customer's `<id>-sub` subscription and
 * moves the clock an hour past its current period's end: that period is billed and finalized.
 * Returns the customer's invoices, newest first.
 */
export async function billNextSeatsPeriod(
  runtime: LocalRuntime,
  lago: Lago,
  externalCustomerId: string,
  seats: number,
  transaction: string,
): Promise<InvoiceObject[]> {
  await lago.events.createEvent({
    event: {
      transaction_id: transaction,
      external_subscription_id: `${externalCustomerId}-sub`,
      code: "seats",
      properties: { count: seats },
    },
  });
  await control(runtime, "/_local/drain");
  const subscription = (await lago.subscriptions.findSubscription(`${externalCustomerId}-sub`)).data
    .subscription;
  const closesAt = new Date(Date.parse(subscription.current_billing_period_ending_at as string) + 1000);
  await control(runtime, "/_local/tick", { now: daysFrom(closesAt.toISOString(), 1 / 24) });
  return (await lago.invoices.findAllInvoices({ external_customer_id: externalCustomerId })).data.invoices;
}
