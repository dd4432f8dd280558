/**
 * Standalone pay-in-advance fees (charges with `invoiceable: false`) against a real moto_server:
 * their payment through `PUT /fees/{id}`, and, for charges with `regroup_paid_fees: "invoice"`,
 * the paid ones put on one `advance_charges` invoice when the subscription's period is billed.
 */
import { randomUUID } from "node:crypto";
import { beforeAll, describe, expect, it } from "vitest";
import { OrganizationStore } from "#shared/store/organization-store.js";
import { handler as catalogApi } from "../../services/catalog/src/handlers/api.js";
import { createOrganization } from "../../services/catalog/src/organizations/create-organization.js";
import { AdvanceFeeStore } from "../../services/invoicing/src/advance-charges/advance-fee-store.js";
import { CHARGES_PAID_IN_ADVANCE } from "../../services/invoicing/src/advance-charges/regroup-paid-fees.js";
import { runDueSubscription } from "../../services/invoicing/src/billing/close-due-periods.js";
import { handler as invoicingApi } from "../../services/invoicing/src/handlers/api.js";
import { handler as clock } from "../../services/invoicing/src/handlers/clock.js";
import { PaymentStore } from "../../services/invoicing/src/store/payment-store.js";
import {
  advanceChargesHarness,
  deliverUnit,
  type EventTuple,
  eventTuple as event,
  invoicesByNumber as invoicesOf,
} from "../support/advance-charges.js";
import { invoke, testContext } from "../support/api-events.js";
import { billingDeps, deliverClockScans, deliverInvoicingInbox, dueJobs } from "../support/invoicing.js";

const { busEvents } = advanceChargesHarness();

const START = "2026-03-01T00:00:00Z";

interface Seeded {
  readonly organizationId: string;
  readonly apiKey: string;
  readonly subscription: string;
}

/**
 * An organization whose plan bills `seats` in advance as standalone fees regrouped on an invoice
 * once paid (10.00 each, with a 20% tax), `desks` as standalone fees never regrouped (3.00), and
 * `calls` in advance on their own invoices (1.00).
 */
async function seed(name: string): Promise<Seeded> {
  const { organization, apiKey } = await createOrganization(new OrganizationStore(), { name, now: START });
  const ok = async (routeKey: string, body: unknown) => {
    const answer = await invoke(catalogApi, routeKey, { apiKey, body, at: START });
    expect(answer.status, JSON.stringify(answer.body)).toBe(200);
    return answer.body;
  };
  await ok("POST /api/v1/taxes", { tax: { name: "VAT", code: "vat", rate: "20" } });
  for (const code of ["seats", "desks", "calls"])
    await ok("POST /api/v1/billable_metrics", {
      billable_metric: { name: code, code, aggregation_type: "count_agg" },
    });
  await ok("POST /api/v1/plans", {
    plan: {
      name: "Standalone",
      code: "standalone",
      interval: "monthly",
      amount_cents: 0,
      amount_currency: "EUR",
      charges: [
        {
          billable_metric_code: "seats",
          charge_model: "standard",
          pay_in_advance: true,
          invoiceable: false,
          regroup_paid_fees: "invoice",
          tax_codes: ["vat"],
          properties: { amount: "10" },
        },
        {
          billable_metric_code: "desks",
          charge_model: "standard",
          pay_in_advance: true,
          invoiceable: false,
          properties: { amount: "3" },
        },
        {
          billable_metric_code: "calls",
          charge_model: "standard",
          pay_in_advance: true,
          invoiceable: true,
          properties: { amount: "1" },
        },
      ],
    },
  });
  await ok("POST /api/v1/customers", {
    customer: { external_id: "cus_1", name: "Customer", currency: "EUR" },
  });
  const subscription = `sub_${randomUUID().slice(0, 8)}`;
  await ok("POST /api/v1/subscriptions", {
    subscription: {
      external_customer_id: "cus_1",
      plan_code: "standalone",
      external_id: subscription,
      subscription_at: START,
    },
  });
  await deliverInvoicingInbox();
  return { organizationId: organization.id, apiKey, subscription };
}

/** Events through the events consumer as deployed, then invoicing's inbox: their fees are made. */
async function deliverEvents(organizationId: string, events: EventTuple[]) {
  await deliverUnit(organizationId, events);
  await deliverInvoicingInbox();
}

/** The id of the fee billing event `transactionId`, as `GET /fees` finds it. */
async function feeOf(apiKey: string, transactionId: string): Promise<Record<string, unknown>> {
  const listed = await invoke(invoicingApi, "GET /api/v1/fees", {
    apiKey,
    query: `event_transaction_id=${transactionId}`,
  });
  expect(listed.status).toBe(200);
  const [fee] = listed.body.fees as Record<string, unknown>[];
  expect(fee).toBeDefined();
  return fee as Record<string, unknown>;
}

const putFee = (apiKey: string, id: string, body: unknown, at = "2026-03-12T08:30:00.000Z") =>
  invoke(invoicingApi, "PUT /api/v1/fees/{lago_id}", { apiKey, params: { lago_id: id }, body, at });

describe("PUT /fees/{lago_id}", () => {
  let seeded: Seeded;
  beforeAll(async () => {
    seeded = await seed("Fee Payments Co");
  });

  it("sets a standalone fee's payment status, with the time of the current status only", async () => {
    const { organizationId, apiKey, subscription } = seeded;
    const desk = event(subscription, "desks", "2026-03-05T09:00:00.000Z");
    await deliverEvents(organizationId, [desk]);
    const id = String((await feeOf(apiKey, desk[0])).lago_id);

    const failed = await putFee(
      apiKey,
      id,
      { fee: { payment_status: "failed" } },
      "2026-03-11T10:00:00.000Z",
    );
    expect(failed.status, JSON.stringify(failed.body)).toBe(200);
    expect(failed.body.fee).toMatchObject({
      lago_id: id,
      lago_invoice_id: null,
      payment_status: "failed",
      failed_at: "2026-03-11T10:00:00.000Z",
      succeeded_at: null,
    });
    const succeeded = await putFee(apiKey, id, { fee: { payment_status: "succeeded" } });
    expect(succeeded.status).toBe(200);
    expect(succeeded.body.fee).toMatchObject({
      payment_status: "succeeded",
      succeeded_at: "2026-03-12T08:30:00.000Z",
      failed_at: null,
      refunded_at: null,
      amount_cents: 300,
    });
    // As GET shows it, and listed by its status.
    const shown = await invoke(invoicingApi, "GET /api/v1/fees/{lago_id}", {
      apiKey,
      params: { lago_id: id },
    });
    expect(shown.body.fee).toEqual(succeeded.body.fee);
    const bySucceeded = await invoke(invoicingApi, "GET /api/v1/fees", {
      apiKey,
      query: "payment_status=succeeded",
    });
    expect((bySucceeded.body.fees as { lago_id: string }[]).map((fee) => fee.lago_id)).toContain(id);

    const refunded = await putFee(
      apiKey,
      id,
      { fee: { payment_status: "refunded" } },
      "2026-03-13T00:00:00.000Z",
    );
    expect(refunded.body.fee).toMatchObject({
      payment_status: "refunded",
      refunded_at: "2026-03-13T00:00:00.000Z",
      succeeded_at: null,
    });
    const byRefunded = await invoke(invoicingApi, "GET /api/v1/fees", {
      apiKey,
      query: "payment_status=refunded",
    });
    expect((byRefunded.body.fees as { lago_id: string }[]).map((fee) => fee.lago_id)).toEqual([id]);
  });

  it("refuses a fee on an invoice (405 invoiced_fee), an unknown status and an unknown fee, changing nothing", async () => {
    const { organizationId, apiKey, subscription } = seeded;
    const call = event(subscription, "calls", "2026-03-06T09:00:00.000Z");
    const desk = event(subscription, "desks", "2026-03-06T10:00:00.000Z");
    await deliverEvents(organizationId, [call, desk]);
    const invoiced = await feeOf(apiKey, call[0]);
    expect(invoiced.lago_invoice_id).not.toBeNull();
    const invoicedId = String(invoiced.lago_id);
    const standaloneId = String((await feeOf(apiKey, desk[0])).lago_id);
    const before = await new AdvanceFeeStore().record(organizationId, standaloneId);

    const refused = await putFee(apiKey, invoicedId, { fee: { payment_status: "succeeded" } });
    expect(refused.status).toBe(405);
    expect(refused.body).toEqual({ status: 405, error: "Method Not Allowed", code: "invoiced_fee" });
    // Lago refuses an invoiced fee before it reads the value.
    expect((await putFee(apiKey, invoicedId, { fee: { payment_status: "paid" } })).status).toBe(405);
    const after = await invoke(invoicingApi, "GET /api/v1/fees/{lago_id}", {
      apiKey,
      params: { lago_id: invoicedId },
    });
    expect(after.body.fee).toEqual(invoiced);

    const unknownStatus = await putFee(apiKey, standaloneId, { fee: { payment_status: "paid" } });
    expect(unknownStatus.status).toBe(422);
    expect(unknownStatus.body).toMatchObject({
      code: "validation_errors",
      error_details: { payment_status: ["value_is_invalid"] },
    });
    const noFee = await putFee(apiKey, standaloneId, { payment_status: "succeeded" });
    expect(noFee.status).toBe(422);
    expect(noFee.body).toMatchObject({
      code: "validation_errors",
      error_details: { fee: ["value_is_mandatory"] },
    });
    expect(await new AdvanceFeeStore().record(organizationId, standaloneId)).toEqual(before);

    const missing = await putFee(apiKey, randomUUID(), { fee: { payment_status: "succeeded" } });
    expect(missing.status).toBe(404);
    expect(missing.body).toMatchObject({ code: "fee_not_found" });
    expect((await putFee(apiKey, "not-a-fee", { fee: { payment_status: "succeeded" } })).status).toBe(404);
    // Without a payment status nothing changes: the fee as it is.
    const unchanged = await putFee(apiKey, standaloneId, { fee: {} });
    expect(unchanged.status).toBe(200);
    expect(unchanged.body.fee).toMatchObject({ lago_id: standaloneId, payment_status: "pending" });
    expect(await new AdvanceFeeStore().record(organizationId, standaloneId)).toEqual(before);
  });
});

class Crash extends Error {
  constructor() {
    super("Lambda timed out");
  }
}

const CLOSE = "2026-04-01T00:05:00.000Z";

/** The billing clock's run at `now`, its scans and the jobs they queue, as deployed. */
async function runClock(now = CLOSE) {
  await clock({ now }, testContext());
  await deliverClockScans();
  await deliverInvoicingInbox();
}

/** Three seats (two paid on March 12th, one not), a desk paid: the fees of March. */
async function billMarch(seeded: Seeded) {
  const { organizationId, apiKey, subscription } = seeded;
  const seats = [5, 6, 7].map((day) => event(subscription, "seats", `2026-03-0${day}T09:00:00.000Z`));
  const desk = event(subscription, "desks", "2026-03-05T10:00:00.000Z");
  await deliverEvents(organizationId, [...seats, desk]);
  const ids = await Promise.all(
    [...seats, desk].map(async (e) => String((await feeOf(apiKey, e[0])).lago_id)),
  );
  const [paid1, paid2, unpaid, deskId] = ids as [string, string, string, string];
  for (const id of [paid1, paid2, deskId])
    expect((await putFee(apiKey, id, { fee: { payment_status: "succeeded" } })).status).toBe(200);
  return { paid: [paid1, paid2].sort(), unpaid, desk: deskId };
}

const advanceChargesOf = async (organizationId: string) =>
  (await invoicesOf(organizationId)).filter((invoice) => invoice.invoiceType === "advance_charges");

async function createdEventsOf(invoiceId: string) {
  return (await busEvents()).filter(
    (e) => e["detail-type"] === "invoice.created" && e.detail.invoice.lago_id === invoiceId,
  );
}

describe("DELETE /fees/{lago_id}", () => {
  it("discards a standalone fee, never one on an invoice; a redelivered event does not bill it again", async () => {
    const seeded = await seed("Fee Deletion Co");
    const { organizationId, apiKey, subscription } = seeded;
    const desk = event(subscription, "desks", "2026-03-05T09:00:00.000Z");
    const call = event(subscription, "calls", "2026-03-05T10:00:00.000Z");
    await deliverEvents(organizationId, [desk, call]);
    const id = String((await feeOf(apiKey, desk[0])).lago_id);
    const invoicedId = String((await feeOf(apiKey, call[0])).lago_id);
    const remove = (lagoId: string) =>
      invoke(invoicingApi, "DELETE /api/v1/fees/{lago_id}", { apiKey, params: { lago_id: lagoId } });

    const refused = await remove(invoicedId);
    expect([refused.status, refused.body.code]).toEqual([405, "invoiced_fee"]);
    expect(
      (await invoke(invoicingApi, "GET /api/v1/fees/{lago_id}", { apiKey, params: { lago_id: invoicedId } }))
        .status,
    ).toBe(200);

    const deleted = await remove(id);
    expect(deleted.status).toBe(200);
    expect(deleted.body.fee).toMatchObject({ lago_id: id, lago_invoice_id: null, amount_cents: 300 });
    expect(
      (await invoke(invoicingApi, "GET /api/v1/fees/{lago_id}", { apiKey, params: { lago_id: id } })).status,
    ).toBe(404);
    const listed = await invoke(invoicingApi, "GET /api/v1/fees", { apiKey, query: "per_page=100" });
    expect((listed.body.fees as { lago_id: string }[]).map((fee) => fee.lago_id)).not.toContain(id);
    expect((await remove(id)).status).toBe(404);
    expect((await putFee(apiKey, id, { fee: { payment_status: "succeeded" } })).status).toBe(404);
    // The same event sent again is a duplicate: it makes no new fee.
    await deliverEvents(organizationId, [desk]);
    const again = await invoke(invoicingApi, "GET /api/v1/fees", {
      apiKey,
      query: `event_transaction_id=${desk[0]}`,
    });
    expect(again.body.fees).toEqual([]);
  });
});

describe("regroup_paid_fees: invoice", () => {
  it("puts a period's paid fees on one advance_charges invoice, numbered, paid, told once", async () => {
    const seeded = await seed("Regroup Co");
    const { organizationId, apiKey } = seeded;
    const { paid, unpaid, desk } = await billMarch(seeded);
    await runClock();

    const [invoice, ...others] = await advanceChargesOf(organizationId);
    expect(others).toEqual([]);
    if (!invoice) throw new Error("no advance_charges invoice");
    // Two seats at 10.00 with 20% VAT: 24.00, paid in full by a manual payment of its total.
    expect(invoice.fees.map((fee) => fee.id)).toEqual(paid);
    expect(invoice).toMatchObject({
      status: "finalized",
      paymentStatus: "succeeded",
      feesAmountCents: 2000,
      taxesAmountCents: 400,
      totalAmountCents: 2400,
      totalPaidAmountCents: 2400,
      issuingDate: "2026-04-01",
      periodStartsAt: "2026-03-01T00:00:00.000Z",
      periodEndsAt: "2026-04-01T00:00:00.000Z",
    });
    // Numbered in the customer's sequence, after March's invoices and April 1st's periodic one.
    const all = await invoicesOf(organizationId);
    expect(invoice.sequentialId).toBe(Math.max(...all.map((i) => i.sequentialId ?? 0)));
    expect(new Set(all.map((i) => i.number)).size).toBe(all.length);
    const payments = (await new PaymentStore().list(organizationId)).filter(
      (p) => p.invoiceId === invoice.id,
    );
    expect(payments).toMatchObject([{ amountCents: 2400, reference: CHARGES_PAID_IN_ADVANCE }]);

    // Served with its fees, and each fee with its invoice; listed by its type.
    const listed = await invoke(invoicingApi, "GET /api/v1/invoices", {
      apiKey,
      query: "invoice_type=advance_charges",
    });
    expect((listed.body.invoices as { lago_id: string }[]).map((i) => i.lago_id)).toEqual([invoice.id]);
    const shown = await invoke(invoicingApi, "GET /api/v1/invoices/{lago_id}", {
      apiKey,
      params: { lago_id: invoice.id },
    });
    expect(shown.body.invoice).toMatchObject({
      invoice_type: "advance_charges",
      payment_status: "succeeded",
      total_amount_cents: 2400,
      total_due_amount_cents: 0,
      billing_periods: [{ invoicing_reason: "in_advance_charge_periodic" }],
      fees: paid.map((id) => ({ lago_id: id, lago_invoice_id: invoice.id, payment_status: "succeeded" })),
    });
    for (const id of paid) {
      const fee = await invoke(invoicingApi, "GET /api/v1/fees/{lago_id}", {
        apiKey,
        params: { lago_id: id },
      });
      expect(fee.body.fee).toMatchObject({
        lago_invoice_id: invoice.id,
        succeeded_at: "2026-03-12T08:30:00.000Z",
      });
      // Listed once, on its invoice.
      const all = await invoke(invoicingApi, "GET /api/v1/fees", { apiKey, query: "per_page=100" });
      expect((all.body.fees as { lago_id: string }[]).filter((f) => f.lago_id === id)).toHaveLength(1);
      // A fee on an invoice is paid with it.
      expect((await putFee(apiKey, id, { fee: { payment_status: "failed" } })).status).toBe(405);
    }
    // The unpaid seat and the desk (its charge does not regroup) stay standalone.
    for (const id of [unpaid, desk]) {
      const fee = await invoke(invoicingApi, "GET /api/v1/fees/{lago_id}", {
        apiKey,
        params: { lago_id: id },
      });
      expect(fee.body.fee).toMatchObject({ lago_invoice_id: null });
    }
    expect(await createdEventsOf(invoice.id)).toHaveLength(1);

    // The clock again, and the period's job delivered again: nothing more.
    await runClock();
    await runClock("2026-04-01T00:10:00.000Z");
    expect((await advanceChargesOf(organizationId)).map((i) => i.id)).toEqual([invoice.id]);
    expect(
      (await new PaymentStore().list(organizationId)).filter((p) => p.invoiceId === invoice.id),
    ).toHaveLength(1);
    expect(await createdEventsOf(invoice.id)).toHaveLength(1);
  });

  it("regroups the paid fees when the subscription is terminated, billed with its last period", async () => {
    const seeded = await seed("Regroup Termination Co");
    const { organizationId, apiKey, subscription } = seeded;
    const { paid } = await billMarch(seeded);
    const ended = await invoke(catalogApi, "DELETE /api/v1/subscriptions/{external_id}", {
      apiKey,
      params: { external_id: subscription },
      at: "2026-03-20T12:00:00.000Z",
    });
    expect(ended.status, JSON.stringify(ended.body)).toBe(200);
    await deliverInvoicingInbox();
    const [invoice, ...others] = await advanceChargesOf(organizationId);
    expect(others).toEqual([]);
    expect(invoice).toMatchObject({ paymentStatus: "succeeded", totalAmountCents: 2400 });
    expect(invoice?.fees.map((fee) => fee.id)).toEqual(paid);
  });

  for (const point of ["after-first-attachment", "at-payment"] as const)
    it(`finishes the invoice once when the close dies ${point}, then runs again`, async () => {
      const seeded = await seed(`Regroup Crash ${point}`);
      const { organizationId } = seeded;
      const { paid } = await billMarch(seeded);
      const jobs = await dueJobs(CLOSE, organizationId);
      expect(jobs).toHaveLength(1);
      let attached = 0;
      class CrashingFees extends AdvanceFeeStore {
        override async attachToInvoice(...args: Parameters<AdvanceFeeStore["attachToInvoice"]>) {
          if (point === "after-first-attachment" && attached++ === 1) throw new Crash();
          return super.attachToInvoice(...args);
        }
      }
      class CrashingPayments extends PaymentStore {
        override async record(
          ...args: Parameters<PaymentStore["record"]>
        ): ReturnType<PaymentStore["record"]> {
          if (point === "at-payment") throw new Crash();
          return super.record(...args);
        }
      }
      const deps = { ...billingDeps(), advanceFees: new CrashingFees(), payments: new CrashingPayments() };
      await expect(runDueSubscription(jobs[0] as (typeof jobs)[number], deps)).rejects.toThrow(Crash);
      // Saved, unpaid, its event not yet told.
      const [saved] = await advanceChargesOf(organizationId);
      expect(saved?.paymentStatus).toBe("pending");
      expect(saved && (await createdEventsOf(saved.id))).toHaveLength(0);

      await runClock();
      const [invoice, ...others] = await advanceChargesOf(organizationId);
      expect(others).toEqual([]);
      expect(invoice?.id).toBe(saved?.id);
      expect(invoice).toMatchObject({ paymentStatus: "succeeded", totalPaidAmountCents: 2400 });
      expect(invoice?.fees.map((fee) => fee.id)).toEqual(paid);
      for (const id of paid)
        expect((await new AdvanceFeeStore().record(organizationId, id))?.invoiceId).toBe(invoice?.id);
      const payments = (await new PaymentStore().list(organizationId)).filter(
        (p) => p.invoiceId === invoice?.id,
      );
      expect(payments).toHaveLength(1);
      expect(await createdEventsOf(String(invoice?.id))).toHaveLength(1);
    });
});

describe("recurring metrics' standalone fees", () => {
  it("makes, at each period's close, the next period's fee of a recurring metric's carried usage, once", async () => {
    const { organization, apiKey } = await createOrganization(new OrganizationStore(), {
      name: "Recurring Standalone Co",
      now: START,
    });
    const ok = async (routeKey: string, body: unknown) => {
      const answer = await invoke(catalogApi, routeKey, { apiKey, body, at: START });
      expect(answer.status, JSON.stringify(answer.body)).toBe(200);
    };
    await ok("POST /api/v1/billable_metrics", {
      billable_metric: {
        name: "Storage",
        code: "storage",
        aggregation_type: "sum_agg",
        field_name: "gb",
        recurring: true,
      },
    });
    await ok("POST /api/v1/billable_metrics", {
      billable_metric: { name: "Seats", code: "seats", aggregation_type: "count_agg" },
    });
    await ok("POST /api/v1/plans", {
      plan: {
        name: "Storage",
        code: "storage",
        interval: "monthly",
        amount_cents: 0,
        amount_currency: "EUR",
        charges: [
          {
            billable_metric_code: "storage",
            charge_model: "standard",
            pay_in_advance: true,
            invoiceable: false,
            properties: { amount: "1" },
          },
          // Not recurring: nothing carries, no fee at the close.
          {
            billable_metric_code: "seats",
            charge_model: "standard",
            pay_in_advance: true,
            invoiceable: false,
            properties: { amount: "10" },
          },
        ],
      },
    });
    await ok("POST /api/v1/customers", { customer: { external_id: "cus_1", name: "C", currency: "EUR" } });
    const subscription = `sub_${randomUUID().slice(0, 8)}`;
    await ok("POST /api/v1/subscriptions", {
      subscription: {
        external_customer_id: "cus_1",
        plan_code: "storage",
        external_id: subscription,
        subscription_at: START,
      },
    });
    await deliverInvoicingInbox();
    const organizationId = organization.id;
    await deliverEvents(organizationId, [
      event(subscription, "storage", "2026-03-05T09:00:00.000Z", { gb: 10 }),
      event(subscription, "storage", "2026-03-06T09:00:00.000Z", { gb: 5 }),
      event(subscription, "seats", "2026-03-06T10:00:00.000Z"),
    ]);
    const standaloneFees = async () => {
      const listed = await invoke(invoicingApi, "GET /api/v1/fees", { apiKey, query: "per_page=100" });
      return (listed.body.fees as Record<string, unknown>[]).filter((fee) => fee.lago_invoice_id === null);
    };
    // At each event: 10.00 and 5.00 of storage, 10.00 for the seat.
    expect((await standaloneFees()).map((fee) => fee.amount_cents).sort()).toEqual([1000, 1000, 500]);

    await runClock();
    const recurring = (await standaloneFees()).filter((fee) => fee.event_transaction_id === null);
    // The 15 GB carried into April, 1.00 each: one fee for April, pending, on no invoice.
    expect(recurring).toMatchObject([
      {
        amount_cents: 1500,
        units: "15.0",
        pay_in_advance: true,
        invoiceable: false,
        payment_status: "pending",
        lago_invoice_id: null,
        from_date: "2026-04-01T00:00:00.000Z",
        to_date: "2026-04-30T23:59:59.000Z",
        item: { code: "storage" },
      },
    ]);
    const id = String(recurring[0]?.lago_id);
    const told = async () =>
      (await busEvents()).filter(
        (e) =>
          e["detail-type"] === "fee.created" &&
          (e.detail.fee as unknown as { lago_id: string }).lago_id === id,
      );
    expect(await told()).toHaveLength(1);
    // The close repeated, and the period's job delivered again: the same one fee, told once.
    const jobs = await dueJobs("2026-05-01T00:05:00.000Z", organizationId);
    expect(jobs).toHaveLength(1);
    await runClock("2026-04-01T00:10:00.000Z");
    expect((await standaloneFees()).filter((fee) => fee.event_transaction_id === null)).toHaveLength(1);
    expect(await told()).toHaveLength(1);
    // May's close makes May's, of the same carried usage.
    await runClock("2026-05-01T00:05:00.000Z");
    const both = (await standaloneFees()).filter((fee) => fee.event_transaction_id === null);
    expect(both.map((fee) => [fee.from_date, fee.amount_cents]).sort()).toEqual([
      ["2026-04-01T00:00:00.000Z", 1500],
      ["2026-05-01T00:00:00.000Z", 1500],
    ]);
  });
});
