/**
 * Manual payments, payment status and overdue invoices against a real moto_server, driven as
 * deployed: the invoices and payments API handlers, the billing clock and invoicing's inbox.
 */
import { GetCommand } from "@aws-sdk/lib-dynamodb";
import { describe, expect, it } from "vitest";
import { recordPayment } from "../../services/invoicing/src/payments/record-payment.js";
import { InvoiceStore, type StoredInvoice } from "../../services/invoicing/src/store/invoice-store.js";
import { PaymentStore } from "../../services/invoicing/src/store/payment-store.js";
import { documentClient } from "../../shared/src/platform/aws-clients.js";
import { invoicingTable, resourceName } from "../../shared/src/platform/resources.js";
import { invoiceItemKey } from "../../shared/src/store/invoice-keys.js";
import type { SeedOptions } from "../support/catalog-fixture.js";
import { billingDeps } from "../support/invoicing.js";
import { clockRun, invoicing, paymentsHarness, seedCatalog, storedPayments } from "../support/payments.js";

const { eventsOf, typesOf } = paymentsHarness();

/** May's invoice of a new organization (10.00 EUR, no grace period: finalized at once on June 1). */
async function mayInvoice(name: string, options: Partial<SeedOptions> = {}) {
  const seeded = await seedCatalog({ name, subscriptionAt: "2026-05-01T00:00:00Z", ...options });
  await clockRun(options.timezone ? "2026-06-01T07:00:00.000Z" : "2026-06-01T00:00:00.000Z");
  const invoices = await new InvoiceStore().list(seeded.organizationId);
  expect(invoices).toHaveLength(1);
  const invoice = invoices[0] as StoredInvoice;
  expect(invoice).toMatchObject({ status: "finalized", paymentStatus: "pending", totalAmountCents: 1000 });
  return { ...seeded, invoice };
}

const at = "2026-06-02T10:00:00.000Z";
const pay = (apiKey: string, payment: Record<string, unknown>, when = at) =>
  invoicing("POST /api/v1/payments", { apiKey, body: { payment }, at: when });
const getInvoice = (apiKey: string, id: string) =>
  invoicing("GET /api/v1/invoices/{lago_id}", { apiKey, params: { lago_id: id }, at });

describe("manual payments", () => {
  it("a partial payment, then the rest: paid total, what is due, succeeded once, listed", async () => {
    const { apiKey, invoice, externalCustomerId } = await mayInvoice("Partial Pay");
    const first = await pay(apiKey, { invoice_id: invoice.id, amount_cents: 400, reference: "wire-1" });
    expect(first.status, JSON.stringify(first.body)).toBe(200);
    expect(first.body.payment).toMatchObject({
      invoice_ids: [invoice.id],
      lago_payable_id: invoice.id,
      payable_type: "Invoice",
      amount_cents: 400,
      amount_currency: "EUR",
      payment_status: "succeeded",
      type: "manual",
      reference: "wire-1",
      external_customer_id: externalCustomerId,
      created_at: "2026-06-02T10:00:00Z",
    });
    let shown = (await getInvoice(apiKey, invoice.id)).body.invoice as Record<string, unknown>;
    expect(shown).toMatchObject({
      payment_status: "pending",
      total_paid_amount_cents: 400,
      total_due_amount_cents: 600,
    });
    expect(await typesOf(invoice.id)).toEqual(["invoice.created"]);

    // Recorded a minute after the first, so the list's newest-first order is the test's to know.
    const rest = await pay(
      apiKey,
      { invoice_id: invoice.id, amount_cents: 600, reference: "wire-2", paid_at: "2026-06-01" },
      "2026-06-02T10:01:00.000Z",
    );
    expect(rest.status).toBe(200);
    expect(rest.body.payment).toMatchObject({ amount_cents: 600, created_at: "2026-06-01T00:00:00Z" });
    shown = (await getInvoice(apiKey, invoice.id)).body.invoice as Record<string, unknown>;
    expect(shown).toMatchObject({
      payment_status: "succeeded",
      total_paid_amount_cents: 1000,
      total_due_amount_cents: 0,
      payment_overdue: false,
    });
    const events = await eventsOf(invoice.id);
    expect(events.map((event) => event.type)).toEqual(["invoice.created", "invoice.payment_status_updated"]);
    expect(events[1]?.detail.invoice).toMatchObject({
      payment_status: "succeeded",
      total_paid_amount_cents: 1000,
    });

    // Listed newest first, filtered by invoice or customer, paginated as Lago does.
    const list = await invoicing("GET /api/v1/payments", { apiKey, query: `invoice_id=${invoice.id}`, at });
    expect(list.status).toBe(200);
    expect((list.body.payments as { reference: string }[]).map((payment) => payment.reference)).toEqual(
      ["wire-1", "wire-2"].reverse(),
    );
    expect(list.body.meta).toEqual({
      current_page: 1,
      next_page: null,
      prev_page: null,
      total_pages: 1,
      total_count: 2,
    });
    const page = await invoicing("GET /api/v1/payments", {
      apiKey,
      query: `external_customer_id=${externalCustomerId}&per_page=1&page=2`,
      at,
    });
    expect((page.body.payments as { reference: string }[]).map((payment) => payment.reference)).toEqual([
      "wire-1",
    ]);
    expect(page.body.meta).toMatchObject({ current_page: 2, prev_page: 1, total_pages: 2, total_count: 2 });
    const none = await invoicing("GET /api/v1/payments", {
      apiKey,
      query: "external_customer_id=nobody",
      at,
    });
    expect(none.body).toMatchObject({ payments: [], meta: { total_count: 0 } });
    const one = await invoicing("GET /api/v1/payments/{lago_id}", {
      apiKey,
      params: { lago_id: (first.body.payment as { lago_id: string }).lago_id },
      at,
    });
    expect(one.status).toBe(200);
    expect(one.body.payment).toEqual(first.body.payment);

    // Nothing more is due: another payment is refused, and the invoice takes no retry.
    const more = await pay(apiKey, { invoice_id: invoice.id, amount_cents: 1, reference: "wire-3" });
    expect(more.status).toBe(422);
    expect(more.body.error_details).toEqual({ amount_cents: ["value_is_out_of_range"] });
    expect(await typesOf(invoice.id)).toEqual(["invoice.created", "invoice.payment_status_updated"]);
  });

  it("a retried request (same invoice, reference and amount) answers the payment recorded, counted once", async () => {
    const { apiKey, invoice, organizationId } = await mayInvoice("Retried Pay");
    const payment = { invoice_id: invoice.id, amount_cents: 1000, reference: "wire-9" };
    const first = await pay(apiKey, payment);
    const again = await pay(apiKey, payment, "2026-06-02T10:00:30.000Z");
    expect(first.status).toBe(200);
    expect(again.status).toBe(200);
    expect(again.body.payment).toEqual(first.body.payment);
    expect(await storedPayments(organizationId)).toHaveLength(1);
    expect(await new InvoiceStore().get(organizationId, invoice.id)).toMatchObject({
      totalPaidAmountCents: 1000,
      paymentStatus: "succeeded",
    });
    // Another amount under the same reference is another payment, refused by its reference.
    const other = await pay(apiKey, { ...payment, amount_cents: 5 });
    expect(other.status).toBe(422);
    expect(other.body.error_details).toEqual({ reference: ["value_already_exist"] });
    expect(
      (await eventsOf(invoice.id)).filter((e) => e.type === "invoice.payment_status_updated"),
    ).toHaveLength(1);
  });

  it("refuses bad input with Lago's answers, and stores nothing", async () => {
    const { apiKey, invoice, organizationId } = await mayInvoice("Bad Pay");
    const other = await mayInvoice("Other Org Pay");
    const before = await new InvoiceStore().get(organizationId, invoice.id);
    const cases: [Record<string, unknown> | undefined, number, unknown][] = [
      [undefined, 400, undefined],
      [
        { invoice_id: invoice.id, amount_cents: 1001, reference: "r" },
        422,
        { amount_cents: ["value_is_out_of_range"] },
      ],
      [{ invoice_id: invoice.id, amount_cents: 0, reference: "r" }, 422, { amount_cents: ["invalid_value"] }],
      [
        { invoice_id: invoice.id, amount_cents: 1.5, reference: "r" },
        422,
        { amount_cents: ["invalid_value"] },
      ],
      [
        { invoice_id: invoice.id, amount_cents: "10", reference: "r" },
        422,
        { amount_cents: ["invalid_value"] },
      ],
      [{ invoice_id: invoice.id, amount_cents: 10 }, 422, { reference: ["value_is_mandatory"] }],
      [
        { invoice_id: invoice.id, amount_cents: 10, reference: "x".repeat(41) },
        422,
        { reference: ["value_is_too_long"] },
      ],
      [{ amount_cents: 10, reference: "r" }, 422, { invoice_id: ["value_is_mandatory"] }],
      [
        { invoice_id: invoice.id, amount_cents: 10, reference: "r", paid_at: "2026-02-30" },
        422,
        { paid_at: ["invalid_date"] },
      ],
      // Another organization's invoice is not found.
      [{ invoice_id: other.invoice.id, amount_cents: 10, reference: "r" }, 404, undefined],
      [{ invoice_id: "no-such-invoice", amount_cents: 10, reference: "r" }, 404, undefined],
    ];
    for (const [payment, status, details] of cases) {
      const answer = await invoicing("POST /api/v1/payments", {
        apiKey,
        body: payment === undefined ? {} : { payment },
        at,
      });
      expect(answer.status, JSON.stringify({ payment, body: answer.body })).toBe(status);
      if (details) expect(answer.body.error_details).toEqual(details);
      if (status === 404) expect(answer.body.code).toBe("invoice_not_found");
    }
    expect(await storedPayments(organizationId)).toEqual([]);
    expect(await storedPayments(other.organizationId)).toEqual([]);
    expect(await new InvoiceStore().get(organizationId, invoice.id)).toEqual(before);
    const missing = await invoicing("GET /api/v1/payments/{lago_id}", {
      apiKey,
      params: { lago_id: "nope" },
      at,
    });
    expect(missing).toMatchObject({ status: 404, body: { code: "payment_not_found" } });
  });

  it("refuses a draft's payment (403, as Lago takes manual payments of finalized invoices only)", async () => {
    const seeded = await seedCatalog({
      name: "Draft Pay",
      subscriptionAt: "2026-05-01T00:00:00Z",
      gracePeriodDays: 3,
    });
    await clockRun("2026-06-01T00:00:00.000Z");
    const [draft] = await new InvoiceStore().list(seeded.organizationId);
    expect(draft?.status).toBe("draft");
    const answer = await pay(seeded.apiKey, { invoice_id: draft?.id, amount_cents: 10, reference: "r" });
    expect(answer).toMatchObject({ status: 403, body: { code: "feature_unavailable" } });
    expect(await storedPayments(seeded.organizationId)).toEqual([]);
  });

  it("two concurrent payments that together exceed what is due: one counts, the other is refused", async () => {
    const { invoice, organizationId } = await mayInvoice("Concurrent Pay");
    const deps = { ...billingDeps(), payments: new PaymentStore() };
    // Both read the invoice with nothing paid, then write in turn (moto does not lock: the
    // interleaving is played exactly). The second's transaction fails on the paid total it read.
    const read = (await deps.invoices.get(organizationId, invoice.id)) as StoredInvoice;
    const interleaved = {
      ...deps,
      invoices: Object.assign(Object.create(deps.invoices) as InvoiceStore, {
        get: async () => read,
      }),
    };
    const a = await recordPayment(
      interleaved,
      organizationId,
      { invoiceId: invoice.id, amountCents: 700, reference: "a" },
      at,
    );
    expect(a.kind).toBe("recorded");
    // B read the same invoice before A's write: its transaction is refused, and on its next
    // (fresh) read 700 is more than the 300 left.
    let reads = 0;
    const racing = {
      ...deps,
      invoices: Object.assign(Object.create(deps.invoices) as InvoiceStore, {
        get: async (org: string, id: string) => (reads++ === 0 ? read : deps.invoices.get(org, id)),
      }),
    };
    const b = await recordPayment(
      racing,
      organizationId,
      { invoiceId: invoice.id, amountCents: 700, reference: "b" },
      at,
    );
    expect(b).toEqual({ kind: "invalid", field: "amount_cents", code: "value_is_out_of_range" });
    expect(reads).toBe(2);
    expect((await storedPayments(organizationId)).map((payment) => payment.reference)).toEqual(["a"]);
    expect(await deps.invoices.get(organizationId, invoice.id)).toMatchObject({
      totalPaidAmountCents: 700,
      paymentStatus: "pending",
    });
  });
});

describe("overdue invoices", () => {
  it("become overdue at the local midnight ending the due date: Los Angeles after UTC, each once", async () => {
    const utc = await mayInvoice("Overdue UTC");
    const pacific = await mayInvoice("Overdue Pacific", {
      timezone: "America/Los_Angeles",
      subscriptionAt: "2026-05-01T07:00:00Z",
    });
    for (const { invoice } of [utc, pacific]) expect(invoice.paymentDueDate).toBe("2026-06-01");
    // June 1 ends at 00:00 UTC on June 2, and at 07:00 UTC in Los Angeles (−07:00).
    await clockRun("2026-06-01T23:45:00.000Z");
    const store = new InvoiceStore();
    expect(await store.get(utc.organizationId, utc.invoice.id)).not.toHaveProperty("paymentOverdue", true);
    await clockRun("2026-06-02T00:00:00.000Z");
    expect(await store.get(utc.organizationId, utc.invoice.id)).toMatchObject({ paymentOverdue: true });
    expect(await store.get(pacific.organizationId, pacific.invoice.id)).not.toHaveProperty(
      "paymentOverdue",
      true,
    );
    await clockRun("2026-06-02T06:45:00.000Z");
    expect(await store.get(pacific.organizationId, pacific.invoice.id)).not.toHaveProperty(
      "paymentOverdue",
      true,
    );
    await clockRun("2026-06-02T07:00:00.000Z");
    expect(await store.get(pacific.organizationId, pacific.invoice.id)).toMatchObject({
      paymentOverdue: true,
    });
    await clockRun("2026-06-02T07:15:00.000Z");
    for (const { invoice, apiKey } of [utc, pacific]) {
      const events = await eventsOf(invoice.id);
      expect(events.map((event) => event.type)).toEqual(["invoice.created", "invoice.payment_overdue"]);
      expect(events[1]?.detail.invoice).toMatchObject({ payment_overdue: true });
      expect((await getInvoice(apiKey, invoice.id)).body.invoice).toMatchObject({ payment_overdue: true });
    }
    // Marked, they leave the index: a clock run reads none of them again.
    expect(await dueIndexPlace(utc.organizationId, utc.invoice.id)).toBeUndefined();

    // Paid in full, it is no longer overdue.
    const paid = await pay(
      utc.apiKey,
      { invoice_id: utc.invoice.id, amount_cents: 1000, reference: "late" },
      "2026-06-03T00:00:00.000Z",
    );
    expect(paid.status).toBe(200);
    expect((await getInvoice(utc.apiKey, utc.invoice.id)).body.invoice).toMatchObject({
      payment_overdue: false,
      payment_status: "succeeded",
    });
    expect(await typesOf(utc.invoice.id)).toEqual([
      "invoice.created",
      "invoice.payment_overdue",
      "invoice.payment_status_updated",
    ]);
  });

  it("waits in the overdue partitions only while unsettled: paid before its due date, never overdue", async () => {
    const { apiKey, invoice, organizationId } = await mayInvoice("Paid In Time");
    expect(await dueIndexPlace(organizationId, invoice.id)).toEqual({
      duePk: expect.stringMatching(/^invoices-overdue#\d$/),
      dueAt: "2026-06-02T00:00:00.000Z",
    });
    expect(
      (await pay(apiKey, { invoice_id: invoice.id, amount_cents: 1000, reference: "early" })).status,
    ).toBe(200);
    expect(await dueIndexPlace(organizationId, invoice.id)).toBeUndefined();
    await clockRun("2026-06-02T00:15:00.000Z");
    expect(await new InvoiceStore().get(organizationId, invoice.id)).not.toHaveProperty(
      "paymentOverdue",
      true,
    );
    expect(await typesOf(invoice.id)).toEqual(["invoice.created", "invoice.payment_status_updated"]);
  });
});

/** An invoice's place in the `due` index, or undefined when it is in none. */
async function dueIndexPlace(organizationId: string, invoiceId: string) {
  const { Item } = await documentClient().send(
    new GetCommand({
      TableName: resourceName(invoicingTable),
      Key: invoiceItemKey(organizationId, invoiceId),
      ConsistentRead: true,
    }),
  );
  return Item?.duePk ? { duePk: Item.duePk, dueAt: Item.dueAt } : undefined;
}
