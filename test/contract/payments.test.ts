/**
 * Payments through lago-javascript-client on the local runtime: an invoice's metadata and payment
 * status, manual payments partial then in full, the payments list, retry_payment. Every date is
 * relative to the contract clock's start, so the suite holds on any calendar day.
 */
import type { InvoiceObject, PaymentObject } from "lago-javascript-client";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { LocalRuntime } from "../../infra/local/runtime.js";
import {
  type Lago,
  lagoError,
  notFoundError,
  startContractRuntime,
  validationError,
} from "../support/lago.js";
import { billFiveSeats, createSeatsPlan } from "../support/seats-billing.js";

let runtime: LocalRuntime;
let lago: Lago;
let stranger: Lago;

beforeAll(async () => {
  ({ runtime, lago, stranger } = await startContractRuntime());
  await createSeatsPlan(lago);
});
afterAll(() => runtime?.stop());

/** A customer billed for 5 seats (10.00 EUR) at its period's close, finalized at once. */
async function finalizedInvoice(id: string): Promise<InvoiceObject> {
  await lago.customers.createCustomer({ customer: { external_id: id, name: id, currency: "EUR" } as never });
  const invoices = await billFiveSeats(runtime, lago, id);
  expect(invoices).toHaveLength(1);
  const invoice = invoices[0] as InvoiceObject;
  expect(invoice).toMatchObject({ status: "finalized", total_amount_cents: 1000, payment_status: "pending" });
  return invoice;
}

describe("payments through Lago's client", () => {
  it("metadata, a partial payment then the rest, listed; the invoice settled and no longer retried", async () => {
    const invoice = await finalizedInvoice("payer");
    const updated = (
      await lago.invoices.updateInvoice(invoice.lago_id, {
        invoice: { metadata: [{ key: "po", value: "PO-7" }] },
      })
    ).data.invoice;
    expect(updated.metadata).toEqual([
      { lago_id: expect.any(String), key: "po", value: "PO-7", created_at: expect.any(String) },
    ]);
    expect(
      await lagoError(
        lago.invoices.updateInvoice(invoice.lago_id, { invoice: { payment_status: "paid" as never } }),
      ),
    ).toEqual(validationError({ payment_status: ["value_is_invalid"] }));

    const partial = (
      await lago.payments.createPayment({
        payment: { invoice_id: invoice.lago_id, amount_cents: 250, reference: "wire-a" },
      })
    ).data.payment;
    expect(partial).toMatchObject({
      amount_cents: 250,
      type: "manual",
      payment_status: "succeeded",
      invoice_ids: [invoice.lago_id],
    });
    expect((await lago.invoices.findInvoice(invoice.lago_id)).data.invoice).toMatchObject({
      payment_status: "pending",
      total_paid_amount_cents: 250,
      total_due_amount_cents: 750,
    });
    expect(
      await lagoError(
        lago.payments.createPayment({
          payment: { invoice_id: invoice.lago_id, amount_cents: 751, reference: "wire-b" },
        }),
      ),
    ).toEqual(validationError({ amount_cents: ["value_is_out_of_range"] }));
    await lago.payments.createPayment({
      payment: { invoice_id: invoice.lago_id, amount_cents: 750, reference: "wire-b" },
    });
    expect((await lago.invoices.findInvoice(invoice.lago_id)).data.invoice).toMatchObject({
      payment_status: "succeeded",
      total_paid_amount_cents: 1000,
      total_due_amount_cents: 0,
      payment_overdue: false,
      metadata: updated.metadata,
    });

    const listed = (await lago.payments.findAllPayments({ invoice_id: invoice.lago_id })).data;
    expect(listed.payments.map((payment) => payment.reference).sort()).toEqual(["wire-a", "wire-b"]);
    expect(listed.meta).toMatchObject({ current_page: 1, total_count: 2 });
    // Lago answers one payment under its `payment` root (the client's type omits it).
    const one = (await lago.payments.findPayment(partial.lago_id)).data as unknown as {
      payment: PaymentObject;
    };
    expect(one.payment).toEqual(partial);
    expect(await lagoError(stranger.payments.findPayment(partial.lago_id))).toEqual(notFoundError("payment"));
    expect(
      await lagoError(
        stranger.payments.createPayment({
          payment: { invoice_id: invoice.lago_id, amount_cents: 1, reference: "x" },
        }),
      ),
    ).toEqual(notFoundError("invoice"));

    expect(await lagoError(lago.invoices.retryPayment(invoice.lago_id))).toMatchObject({
      status: 405,
      code: "invalid_status",
    });
  });

  it("retry_payment of an unpaid invoice with no provider answers 200", async () => {
    const invoice = await finalizedInvoice("retrier");
    const answer = await lago.invoices.retryPayment(invoice.lago_id);
    expect(answer.status).toBe(200);
    expect(await lagoError(stranger.invoices.retryPayment(invoice.lago_id))).toEqual(
      notFoundError("invoice"),
    );
  });
});
