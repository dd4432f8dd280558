/**
 * Standalone pay-in-advance fees through lago-javascript-client on the local runtime: `updateFee`
 * pays one (not a fee on an invoice), and the billing clock's close of the period regroups the
 * paid fees of a `regroup_paid_fees: "invoice"` charge on one paid `advance_charges` invoice.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { LocalRuntime } from "../../infra/local/runtime.js";
import {
  CONTRACT_CLOCK_START,
  control,
  daysFrom,
  type Lago,
  lagoError,
  notFoundError,
  startContractRuntime,
  utcMonthStart,
  validationError,
} from "../support/lago.js";

let runtime: LocalRuntime;
let lago: Lago;

const CUSTOMER = "cus_regroup";
const SUBSCRIPTION = "sub_regroup";

beforeAll(async () => {
  ({ runtime, lago } = await startContractRuntime());
  const metric = await lago.billableMetrics.createBillableMetric({
    billable_metric: { name: "Regrouped seats", code: "regrouped_seats", aggregation_type: "count_agg" },
  });
  await lago.plans.createPlan({
    plan: {
      name: "Regrouped",
      code: "regrouped",
      interval: "monthly",
      amount_cents: 0,
      amount_currency: "EUR",
      pay_in_advance: false,
      charges: [
        {
          billable_metric_id: metric.data.billable_metric.lago_id,
          charge_model: "standard",
          pay_in_advance: true,
          invoiceable: false,
          regroup_paid_fees: "invoice",
          properties: { amount: "10" },
        },
      ],
    } as never,
  });
  await lago.customers.createCustomer({
    customer: { external_id: CUSTOMER, name: "Regrouped buyer", currency: "EUR" },
  });
  await lago.subscriptions.createSubscription({
    subscription: { external_customer_id: CUSTOMER, plan_code: "regrouped", external_id: SUBSCRIPTION },
  });
  await control(runtime, "/_local/drain");
});
afterAll(() => runtime?.stop());

async function seat(transactionId: string): Promise<string> {
  await lago.events.createEvent({
    event: { transaction_id: transactionId, external_subscription_id: SUBSCRIPTION, code: "regrouped_seats" },
  });
  await control(runtime, "/_local/drain");
  const { fees } = (await lago.fees.findAllFees({ event_transaction_id: transactionId })).data;
  expect(fees).toHaveLength(1);
  return fees[0]?.lago_id as string;
}

describe("standalone fees through Lago's client", () => {
  it("pays standalone fees with updateFee, then regroups the paid ones when the period is billed", async () => {
    const [first, second, unpaid] = [await seat("seat-1"), await seat("seat-2"), await seat("seat-3")];
    const paid = (await lago.fees.updateFee(first, { fee: { payment_status: "succeeded" } })).data.fee;
    expect(paid).toMatchObject({ lago_id: first, lago_invoice_id: null, payment_status: "succeeded" });
    expect(paid.succeeded_at).not.toBeNull();
    await lago.fees.updateFee(second, { fee: { payment_status: "succeeded" } });
    expect(
      await lagoError(
        lago.fees.updateFee("00000000-0000-4000-8000-000000000000", { fee: { payment_status: "succeeded" } }),
      ),
    ).toEqual(notFoundError("fee"));
    expect(
      await lagoError(lago.fees.updateFee(unpaid, { fee: { payment_status: "paid" as never } })),
    ).toEqual(validationError({ payment_status: ["value_is_invalid"] }));

    await control(runtime, "/_local/tick", {
      now: daysFrom(utcMonthStart(CONTRACT_CLOCK_START, 1), 1 / 1440),
    });
    const { invoices } = (await lago.invoices.findAllInvoices({ invoice_type: "advance_charges" })).data;
    expect(invoices).toHaveLength(1);
    const invoice = (await lago.invoices.findInvoice(invoices[0]?.lago_id as string)).data.invoice;
    expect(invoice).toMatchObject({
      invoice_type: "advance_charges",
      status: "finalized",
      payment_status: "succeeded",
      fees_amount_cents: 2000,
      total_amount_cents: 2000,
      total_due_amount_cents: 0,
    });
    expect(invoice.number).not.toBe("");
    expect(invoice.fees?.map((fee) => fee.lago_id).sort()).toEqual([first, second].sort());
    expect((await lago.fees.findFee(first)).data.fee.lago_invoice_id).toBe(invoice.lago_id);
    expect((await lago.fees.findFee(unpaid)).data.fee.lago_invoice_id).toBeNull();
    const { payments } = (await lago.payments.findAllPayments({ invoice_id: invoice.lago_id })).data;
    expect(payments).toMatchObject([{ amount_cents: 2000 }]);
    // The unpaid one discarded (deleteFee), then no longer found; a fee on an invoice cannot be.
    expect((await lago.fees.deleteFee(unpaid)).data.fee.lago_id).toBe(unpaid);
    expect(await lagoError(lago.fees.findFee(unpaid))).toEqual(notFoundError("fee"));
    expect(await lagoError(lago.fees.deleteFee(first))).toMatchObject({ status: 405, code: "invoiced_fee" });
    // A fee on an invoice is paid with it.
    expect(await lagoError(lago.fees.updateFee(first, { fee: { payment_status: "failed" } }))).toMatchObject({
      status: 405,
      code: "invoiced_fee",
    });
  });
});
