/**
 * Pay-in-advance charges (Lago's instant charges) through lago-javascript-client on the local
 * runtime: events sent with `createEvent` are billed at once, each on its own finalized invoice
 * (graduated [0–2 free], [3–∞ @2]: 0, 0, 2.00, Lago's spec numbers) or as a standalone fee
 * (standard 10.00: 1000 cents, 1 unit); `eventEstimateFees` answers the next fee, storing nothing.
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

const CUSTOMER = "cus_instant";
const SUBSCRIPTION = "sub_instant";

beforeAll(async () => {
  ({ runtime, lago, stranger } = await startContractRuntime());
  await lago.billableMetrics.createBillableMetric({
    billable_metric: { name: "Instant calls", code: "instant_calls", aggregation_type: "count_agg" },
  });
  await lago.billableMetrics.createBillableMetric({
    billable_metric: { name: "Instant seats", code: "instant_seats", aggregation_type: "count_agg" },
  });
  await lago.billableMetrics.createBillableMetric({
    billable_metric: { name: "Idle", code: "instant_idle", aggregation_type: "count_agg" },
  });
  await lago.plans.createPlan({
    plan: {
      name: "Instant",
      code: "instant",
      interval: "monthly",
      amount_cents: 0,
      amount_currency: "EUR",
      pay_in_advance: false,
      charges: [
        {
          billable_metric_id: await metricId("instant_calls"),
          charge_model: "graduated",
          pay_in_advance: true,
          invoiceable: true,
          properties: {
            graduated_ranges: [
              { from_value: 0, to_value: 2, per_unit_amount: "0", flat_amount: "0" },
              { from_value: 3, to_value: null, per_unit_amount: "2", flat_amount: "0" },
            ],
          },
        },
        {
          billable_metric_id: await metricId("instant_seats"),
          charge_model: "standard",
          pay_in_advance: true,
          invoiceable: false,
          properties: { amount: "10" },
        },
      ],
    } as never,
  });
  await lago.customers.createCustomer({
    customer: { external_id: CUSTOMER, name: "Instant buyer", currency: "EUR" },
  });
  await lago.subscriptions.createSubscription({
    subscription: { external_customer_id: CUSTOMER, plan_code: "instant", external_id: SUBSCRIPTION },
  });
  await control(runtime, "/_local/drain");
});
afterAll(() => runtime?.stop());

async function metricId(code: string): Promise<string> {
  return (await lago.billableMetrics.findBillableMetric(code)).data.billable_metric.lago_id;
}

async function send(code: string, transactionId: string): Promise<void> {
  await lago.events.createEvent({
    event: { transaction_id: transactionId, external_subscription_id: SUBSCRIPTION, code, properties: {} },
  });
  await control(runtime, "/_local/drain");
}

describe("pay-in-advance charges through Lago's client", () => {
  it("bills each event on its own invoice, finalized and numbered at once", async () => {
    for (const id of ["call-1", "call-2", "call-3"]) await send("instant_calls", id);
    const { invoices } = (await lago.invoices.findAllInvoices({ external_customer_id: CUSTOMER })).data;
    const byNumber = [...invoices].sort((a, b) => (a.number < b.number ? -1 : 1));
    // Two free calls, then 2.00 each.
    expect(
      byNumber.map((invoice) => [invoice.status, invoice.invoice_type, invoice.total_amount_cents]),
    ).toEqual([
      ["finalized", "subscription", 0],
      ["finalized", "subscription", 0],
      ["finalized", "subscription", 200],
    ]);
    expect(byNumber.map((invoice) => invoice.number.slice(-3))).toEqual(["001", "002", "003"]);
    const paid = (await lago.invoices.findInvoice(byNumber[2]?.lago_id as string)).data.invoice;
    expect(paid.fees).toHaveLength(1);
    expect(paid.fees?.[0]).toMatchObject({
      pay_in_advance: true,
      invoiceable: true,
      amount_cents: 200,
      units: "1.0",
      event_transaction_id: "call-3",
      item: { type: "charge", code: "instant_calls" },
    });
    // Another organization sees none of it.
    expect(
      (await stranger.invoices.findAllInvoices({ external_customer_id: CUSTOMER })).data.invoices,
    ).toEqual([]);
  });

  it("makes a standalone fee of a charge that is not invoiceable, listed by /fees", async () => {
    const before = (await lago.invoices.findAllInvoices({ external_customer_id: CUSTOMER })).data.invoices
      .length;
    await send("instant_seats", "seat-1");
    const { fees } = (await lago.fees.findAllFees({ external_subscription_id: SUBSCRIPTION })).data;
    const standalone = fees.filter((fee) => fee.lago_invoice_id === null);
    expect(standalone).toHaveLength(1);
    expect(standalone[0]).toMatchObject({
      amount_cents: 1000,
      units: "1.0",
      pay_in_advance: true,
      invoiceable: false,
      event_transaction_id: "seat-1",
      item: { code: "instant_seats" },
    });
    const one = (await lago.fees.findFee(standalone[0]?.lago_id as string)).data.fee;
    expect(one).toMatchObject({ lago_id: standalone[0]?.lago_id, lago_invoice_id: null, amount_cents: 1000 });
    expect(
      (await lago.invoices.findAllInvoices({ external_customer_id: CUSTOMER })).data.invoices,
    ).toHaveLength(before);
  });

  it("estimates the next event's fee without billing it, and refuses as Lago does", async () => {
    const estimate = await lago.events.eventEstimateFees({
      event: { code: "instant_calls", external_subscription_id: SUBSCRIPTION },
    });
    // Three calls billed: a fourth pays 2.00.
    expect(estimate.data.fees).toMatchObject([
      { lago_id: null, lago_invoice_id: null, amount_cents: 200, units: "1.0", pay_in_advance: true },
    ]);
    expect(
      (
        await lago.events.eventEstimateFees({
          event: { code: "instant_seats", external_subscription_id: SUBSCRIPTION },
        })
      ).data.fees,
    ).toMatchObject([{ amount_cents: 1000, invoiceable: false }]);
    expect(
      (await lago.invoices.findAllInvoices({ external_customer_id: CUSTOMER })).data.invoices,
    ).toHaveLength(3);

    expect(
      await lagoError(
        lago.events.eventEstimateFees({ event: { code: "instant_calls", external_subscription_id: "nope" } }),
      ),
    ).toEqual(notFoundError("subscription"));
    expect(
      await lagoError(
        lago.events.eventEstimateFees({ event: { code: "nope", external_subscription_id: SUBSCRIPTION } }),
      ),
    ).toEqual(notFoundError("billable_metric"));
    expect(
      await lagoError(
        lago.events.eventEstimateFees({
          event: { code: "instant_idle", external_subscription_id: SUBSCRIPTION },
        }),
      ),
    ).toEqual(validationError({ code: ["does_not_match_an_instant_charge"] }));
  });
});
