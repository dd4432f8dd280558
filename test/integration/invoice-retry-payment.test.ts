/**
 * `PUT /invoices/{id}` (payment status, metadata) and `POST /invoices/{id}/retry_payment` against
 * a real moto_server, through the invoices API handler as deployed; a crash between two writes of
 * a payment change, a retry or an overdue mark, caught up by the next billing clock run.
 */
import { describe, expect, it } from "vitest";
import { markOverdue } from "../../services/invoicing/src/payments/mark-overdue-invoices.js";
import { recordPayment } from "../../services/invoicing/src/payments/record-payment.js";
import { retryInvoicePayment } from "../../services/invoicing/src/payments/retry-invoice-payment.js";
import {
  InvoiceStore,
  owedEvents,
  type StoredInvoice,
} from "../../services/invoicing/src/store/invoice-store.js";
import { PaymentStore } from "../../services/invoicing/src/store/payment-store.js";
import type { SeedOptions } from "../support/catalog-fixture.js";
import { billingDeps } from "../support/invoicing.js";
import { clockRun, invoicing, paymentsHarness, seedCatalog } from "../support/payments.js";

const { eventsOf, typesOf } = paymentsHarness();

/** May's invoice of a new organization: finalized on June 1 (no grace period), or a draft with one. */
async function mayInvoice(name: string, options: Partial<SeedOptions> = {}) {
  const seeded = await seedCatalog({ name, subscriptionAt: "2026-05-01T00:00:00Z", ...options });
  await clockRun("2026-06-01T00:00:00.000Z");
  const invoices = await new InvoiceStore().list(seeded.organizationId);
  expect(invoices).toHaveLength(1);
  return { ...seeded, invoice: invoices[0] as StoredInvoice };
}

const at = "2026-06-02T10:00:00.000Z";
const update = (apiKey: string, id: string, invoice: unknown, when = at) =>
  invoicing("PUT /api/v1/invoices/{lago_id}", {
    apiKey,
    params: { lago_id: id },
    body: { invoice },
    at: when,
  });
const retry = (apiKey: string, id: string, when = at) =>
  invoicing("POST /api/v1/invoices/{lago_id}/retry_payment", { apiKey, params: { lago_id: id }, at: when });

describe("PUT /invoices/{id}", () => {
  it("sets the payment status: each real change owes invoice.payment_status_updated once, with its own key", async () => {
    const { apiKey, invoice } = await mayInvoice("Status Changes");
    const failed = await update(apiKey, invoice.id, { payment_status: "failed" });
    expect(failed.status, JSON.stringify(failed.body)).toBe(200);
    expect(failed.body.invoice).toMatchObject({ lago_id: invoice.id, payment_status: "failed" });
    // The same status again is no change, and owes nothing.
    expect((await update(apiKey, invoice.id, { payment_status: "failed" })).status).toBe(200);
    const succeeded = await update(
      apiKey,
      invoice.id,
      { payment_status: "succeeded" },
      "2026-06-02T11:00:00.000Z",
    );
    expect(succeeded.body.invoice).toMatchObject({
      payment_status: "succeeded",
      updated_at: "2026-06-02T11:00:00.000Z",
    });
    const events = await eventsOf(invoice.id);
    expect(events.map((event) => event.type)).toEqual([
      "invoice.created",
      "invoice.payment_status_updated",
      "invoice.payment_status_updated",
    ]);
    expect(new Set(events.map((event) => event.uniqueKey)).size).toBe(3);
    expect(
      owedEvents((await new InvoiceStore().get(invoice.organizationId, invoice.id)) as StoredInvoice),
    ).toEqual([]);
    // As GET shows it.
    const shown = await invoicing("GET /api/v1/invoices/{lago_id}", {
      apiKey,
      params: { lago_id: invoice.id },
      at,
    });
    expect(succeeded.body.invoice).toEqual(shown.body.invoice);
  });

  it("replaces metadata as Lago: ids of kept entries stay, others are created, those left out deleted", async () => {
    const { apiKey, invoice } = await mayInvoice("Metadata");
    const first = await update(apiKey, invoice.id, {
      metadata: [
        { key: "po", value: "PO-1" },
        { key: "ref", value: "R-1" },
      ],
    });
    expect(first.status, JSON.stringify(first.body)).toBe(200);
    const entries = (first.body.invoice as { metadata: { lago_id: string; key: string; value: string }[] })
      .metadata;
    expect(entries.map(({ key, value }) => ({ key, value }))).toEqual([
      { key: "po", value: "PO-1" },
      { key: "ref", value: "R-1" },
    ]);
    const po = entries[0] as { lago_id: string };
    const second = await update(apiKey, invoice.id, {
      metadata: [
        { id: po.lago_id, key: "po", value: "PO-2" },
        { key: "desk", value: "north" },
      ],
    });
    const kept = (second.body.invoice as { metadata: { lago_id: string; key: string; value: string }[] })
      .metadata;
    expect(kept).toHaveLength(2);
    expect(kept[0]).toMatchObject({ lago_id: po.lago_id, key: "po", value: "PO-2" });
    expect(kept[1]).toMatchObject({ key: "desk", value: "north" });
    expect(kept[1]?.lago_id).not.toBe(entries[1]?.lago_id);
    // Metadata owes no event; the payment status is unchanged.
    expect(await typesOf(invoice.id)).toEqual(["invoice.created"]);
    const cleared = await update(apiKey, invoice.id, { metadata: [] });
    expect(cleared.body.invoice).toMatchObject({ metadata: [], payment_status: "pending" });
  });

  it("refuses with Lago's answers, and changes nothing", async () => {
    const { apiKey, invoice, organizationId } = await mayInvoice("Bad Update");
    const other = await mayInvoice("Other Update");
    const draft = await mayInvoice("Draft Update", { gracePeriodDays: 3 });
    expect(draft.invoice.status).toBe("draft");
    const store = new InvoiceStore();
    const before = await store.get(organizationId, invoice.id);
    const six = Array.from({ length: 6 }, (_, index) => ({ key: `k${index}`, value: "v" }));
    const cases: [string, string, unknown, number, unknown][] = [
      [
        apiKey,
        invoice.id,
        { payment_status: "paid" },
        422,
        { error_details: { payment_status: ["value_is_invalid"] } },
      ],
      [apiKey, invoice.id, { metadata: six }, 422, { error_details: { metadata: ["invalid_count"] } }],
      [
        apiKey,
        invoice.id,
        { metadata: [{ key: "k", value: "" }] },
        422,
        { error_details: { "metadata.0.value": ["value_is_mandatory"] } },
      ],
      [
        apiKey,
        invoice.id,
        { metadata: [{ key: "x".repeat(21), value: "v" }] },
        422,
        { error_details: { "metadata.0.key": ["value_is_too_long"] } },
      ],
      [
        apiKey,
        invoice.id,
        { metadata: [{ key: "k", value: "v".repeat(141) }] },
        422,
        { error_details: { "metadata.0.value": ["value_is_too_long"] } },
      ],
      [
        apiKey,
        invoice.id,
        {
          metadata: [
            { key: "k", value: "1" },
            { key: "k", value: "2" },
          ],
        },
        422,
        { error_details: { "metadata.key": ["value_already_exist"] } },
      ],
      [apiKey, invoice.id, undefined, 400, {}],
      [apiKey, other.invoice.id, { payment_status: "failed" }, 404, { code: "invoice_not_found" }],
      [
        draft.apiKey,
        draft.invoice.id,
        { payment_status: "succeeded" },
        405,
        { code: "payment_status_update_on_draft_invoice" },
      ],
      [
        draft.apiKey,
        draft.invoice.id,
        { metadata: [{ key: "k", value: "v" }] },
        405,
        { code: "metadata_on_draft_invoice" },
      ],
    ];
    for (const [key, id, body, status, expected] of cases) {
      const answer = await update(key, id, body);
      expect(answer.status, JSON.stringify({ body, answer: answer.body })).toBe(status);
      expect(answer.body).toMatchObject(expected as Record<string, unknown>);
    }
    expect(await store.get(organizationId, invoice.id)).toEqual(before);
    expect(await store.get(other.organizationId, other.invoice.id)).toMatchObject({
      paymentStatus: "pending",
    });
    expect(await store.get(draft.organizationId, draft.invoice.id)).toMatchObject({
      paymentStatus: "pending",
      status: "draft",
    });

    // A voided invoice takes no update.
    expect(
      (
        await invoicing("POST /api/v1/invoices/{lago_id}/void", {
          apiKey,
          params: { lago_id: invoice.id },
          at,
        })
      ).status,
    ).toBe(200);
    expect(await update(apiKey, invoice.id, { payment_status: "succeeded" })).toMatchObject({
      status: 405,
      body: { code: "update_on_voided_invoice" },
    });
  });
});

describe("POST /invoices/{id}/retry_payment", () => {
  it("with no payment provider: 200, and invoice.payment_failure tells why, once per retry", async () => {
    const { apiKey, invoice } = await mayInvoice("Retry None");
    const answer = await retry(apiKey, invoice.id);
    expect(answer.status, JSON.stringify(answer.body)).toBe(200);
    const failures = (await eventsOf(invoice.id)).filter((event) => event.type === "invoice.payment_failure");
    expect(failures).toHaveLength(1);
    expect(failures[0]?.detail).toMatchObject({
      object_type: "payment_provider_invoice_payment_error",
      payment_provider_invoice_payment_error: {
        lago_invoice_id: invoice.id,
        lago_customer_id: invoice.customerId,
        external_customer_id: invoice.externalCustomerId,
        payment_provider: null,
        provider_error: null,
        error_details: { code: "customer_must_have_payment_provider" },
      },
    });
    // The collection has ended: another retry starts another, told by its own event.
    expect((await retry(apiKey, invoice.id, "2026-06-02T10:05:00.000Z")).status).toBe(200);
    const again = (await eventsOf(invoice.id)).filter((event) => event.type === "invoice.payment_failure");
    expect(again).toHaveLength(2);
    expect(new Set(again.map((event) => event.uniqueKey)).size).toBe(2);
    // The invoice itself is unchanged: still pending.
    expect(await new InvoiceStore().get(invoice.organizationId, invoice.id)).toMatchObject({
      paymentStatus: "pending",
      paymentAttempts: 2,
    });
  });

  it("refuses a draft, a paid and a voided invoice (405 invalid_status), an unknown one 404", async () => {
    const draft = await mayInvoice("Retry Draft", { gracePeriodDays: 3 });
    expect(await retry(draft.apiKey, draft.invoice.id)).toMatchObject({
      status: 405,
      body: { code: "invalid_status" },
    });
    const paid = await mayInvoice("Retry Paid");
    await update(paid.apiKey, paid.invoice.id, { payment_status: "succeeded" });
    expect(await retry(paid.apiKey, paid.invoice.id)).toMatchObject({
      status: 405,
      body: { code: "invalid_status" },
    });
    const voided = await mayInvoice("Retry Voided");
    await invoicing("POST /api/v1/invoices/{lago_id}/void", {
      apiKey: voided.apiKey,
      params: { lago_id: voided.invoice.id },
      at,
    });
    expect(await retry(voided.apiKey, voided.invoice.id)).toMatchObject({
      status: 405,
      body: { code: "invalid_status" },
    });
    expect(await retry(voided.apiKey, paid.invoice.id)).toMatchObject({
      status: 404,
      body: { code: "invoice_not_found" },
    });
    for (const { invoice } of [draft, paid, voided])
      expect(await typesOf(invoice.id)).not.toContain("invoice.payment_failure");
  });

  it("two concurrent retries start one collection: the second finds it claimed (405), until it ends", async () => {
    const { apiKey, invoice, organizationId } = await mayInvoice("Retry Concurrent");
    const deps = { ...billingDeps(), payments: new PaymentStore() };
    let collections = 0;
    let second: Awaited<ReturnType<typeof retry>> | undefined;
    // The first retry's provider is asked to collect; while it collects, the second retry arrives.
    const outcome = await retryInvoicePayment(
      {
        ...deps,
        provider: () => ({
          async collect() {
            collections++;
            second = await retry(apiKey, invoice.id);
            // Ended at once (nothing to collect with): the claim is released.
            return { kind: "skipped" };
          },
        }),
      },
      organizationId,
      invoice.id,
      Date.parse(at),
    );
    expect(outcome).toEqual({ kind: "started" });
    expect(collections).toBe(1);
    expect(second).toMatchObject({
      status: 405,
      body: { code: "payment_processor_is_currently_handling_payment" },
    });
    expect(await new InvoiceStore().get(organizationId, invoice.id)).toMatchObject({ paymentAttempts: 1 });
    expect(await new InvoiceStore().get(organizationId, invoice.id)).not.toHaveProperty(
      "collectionLeaseUntil",
    );
    // Ended, a retry starts a collection again.
    expect((await retry(apiKey, invoice.id, "2026-06-02T10:01:00.000Z")).status).toBe(200);
  });
});

class Crash extends Error {}

describe("a crash between two writes", () => {
  it("of a payment settling an invoice, or of an overdue mark: the next clock run publishes each event once", async () => {
    const paid = await mayInvoice("Crash Pay");
    const overdue = await mayInvoice("Crash Overdue");
    // The function dies after its write, before publishing (its publisher fails); by the next
    // clock run its publication lease has run out (its wall clock is two minutes behind).
    const dying = {
      ...billingDeps(),
      payments: new PaymentStore(),
      clock: () => Date.now() - 120_000,
      publish: async () => {
        throw new Crash("Lambda timed out");
      },
    };
    await expect(
      recordPayment(
        dying,
        paid.organizationId,
        { invoiceId: paid.invoice.id, amountCents: 1000, reference: "c" },
        at,
      ),
    ).rejects.toThrow(Crash);
    await expect(
      markOverdue(
        dying,
        { organizationId: overdue.organizationId, invoiceId: overdue.invoice.id },
        "2026-06-02T00:00:00.000Z",
      ),
    ).rejects.toThrow(Crash);
    const store = new InvoiceStore();
    const paidNow = (await store.get(paid.organizationId, paid.invoice.id)) as StoredInvoice;
    expect(paidNow).toMatchObject({ paymentStatus: "succeeded", totalPaidAmountCents: 1000 });
    expect(owedEvents(paidNow)).toEqual(["invoice.payment_status_updated#1"]);
    expect(
      owedEvents((await store.get(overdue.organizationId, overdue.invoice.id)) as StoredInvoice),
    ).toEqual(["invoice.payment_overdue#1"]);
    // The client retries its payment: the payment recorded answers, nothing counts twice.
    const retried = await invoicing("POST /api/v1/payments", {
      apiKey: paid.apiKey,
      body: { payment: { invoice_id: paid.invoice.id, amount_cents: 1000, reference: "c" } },
      at,
    });
    expect(retried.status).toBe(200);
    // The clock's next run catches up what is owed; later runs publish nothing again.
    await clockRun("2026-06-02T00:15:00.000Z");
    await clockRun("2026-06-02T00:30:00.000Z");
    expect(await typesOf(paid.invoice.id)).toEqual(["invoice.created", "invoice.payment_status_updated"]);
    expect(await typesOf(overdue.invoice.id)).toEqual(["invoice.created", "invoice.payment_overdue"]);
    for (const { organizationId, invoice } of [paid, overdue]) {
      const now = (await store.get(organizationId, invoice.id)) as StoredInvoice;
      expect(owedEvents(now)).toEqual([]);
    }
    expect(await store.get(overdue.organizationId, overdue.invoice.id)).toMatchObject({
      paymentOverdue: true,
    });
    expect(await new PaymentStore().list(paid.organizationId)).toHaveLength(1);
  });

  it("of a retry, after its claim: the claim runs out, and a later retry collects (one failure told per collection)", async () => {
    const { apiKey, invoice, organizationId } = await mayInvoice("Crash Retry");
    const deps = { ...billingDeps(), payments: new PaymentStore() };
    await expect(
      retryInvoicePayment(
        {
          ...deps,
          provider: () => ({
            async collect() {
              throw new Crash("Lambda timed out");
            },
          }),
        },
        organizationId,
        invoice.id,
        Date.parse(at),
      ),
    ).rejects.toThrow(Crash);
    // Within the claim's 15 minutes, a retry finds the collection running.
    expect(await retry(apiKey, invoice.id, "2026-06-02T10:10:00.000Z")).toMatchObject({
      status: 405,
      body: { code: "payment_processor_is_currently_handling_payment" },
    });
    expect(await retry(apiKey, invoice.id, "2026-06-02T10:16:00.000Z")).toMatchObject({ status: 200 });
    expect((await typesOf(invoice.id)).filter((type) => type === "invoice.payment_failure")).toHaveLength(1);
    expect(await new InvoiceStore().get(organizationId, invoice.id)).toMatchObject({ paymentAttempts: 2 });
  });
});
