/**
 * Voiding invoices with credit notes through lago-javascript-client on the local runtime
 * (`voidInvoice(id, { generate_credit_note, refund_amount, credit_amount })`): a paid invoice is
 * voided with the refund and credit asked in one note and the rest in a note voided at once, the
 * two adding up to what it had to credit; amounts past that are refused creating nothing; an
 * unpaid invoice is voided with credit only; a second void is refused. Every date is relative to
 * the contract clock's start.
 */
import type { CreditNoteObject, InvoiceObject } from "lago-javascript-client";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { LocalRuntime } from "../../infra/local/runtime.js";
import { type Lago, lagoError, startContractRuntime, validationError } from "../support/lago.js";
import { billFiveSeats, createSeatsPlan } from "../support/seats-billing.js";

let runtime: LocalRuntime;
let lago: Lago;

beforeAll(async () => {
  ({ runtime, lago } = await startContractRuntime());
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

/** The customer's credit notes, oldest first. */
const notesOf = async (externalCustomerId: string): Promise<CreditNoteObject[]> =>
  (
    await lago.creditNotes.findAllCreditNotes({ external_customer_id: externalCustomerId })
  ).data.credit_notes.sort((a, b) => a.sequential_id - b.sequential_id);

const exceeds = validationError({ credit_refund_amount: ["total_amount_exceeds_invoice_amount"] });
const notVoidable = { status: 405, error: "Method Not Allowed", code: "not_voidable" };

describe("voiding an invoice with credit notes through Lago's client", () => {
  it("voids a paid invoice with a refund and a credit, the rest in a note voided at once", async () => {
    const invoice = await finalizedInvoice("void-paid");
    await lago.payments.createPayment({
      payment: { invoice_id: invoice.lago_id, amount_cents: 1000, reference: "wire" },
    });
    expect((await lago.invoices.findInvoice(invoice.lago_id)).data.invoice).toMatchObject({
      payment_status: "succeeded",
      total_paid_amount_cents: 1000,
    });

    // More than was paid, or than it can credit: refused, nothing made.
    expect(
      await lagoError(
        lago.invoices.voidInvoice(invoice.lago_id, { generate_credit_note: true, refund_amount: 1001 }),
      ),
    ).toEqual(exceeds);
    expect(
      await lagoError(
        lago.invoices.voidInvoice(invoice.lago_id, {
          generate_credit_note: true,
          refund_amount: 600,
          credit_amount: 401,
        }),
      ),
    ).toEqual(exceeds);
    expect(await notesOf("void-paid")).toEqual([]);
    expect((await lago.invoices.findInvoice(invoice.lago_id)).data.invoice.status).toBe("finalized");
    // Without a credit note a paid invoice is not voidable.
    expect(await lagoError(lago.invoices.voidInvoice(invoice.lago_id))).toEqual(notVoidable);

    const voided = (
      await lago.invoices.voidInvoice(invoice.lago_id, {
        generate_credit_note: true,
        refund_amount: 600,
        credit_amount: 150,
      })
    ).data.invoice;
    expect(voided).toMatchObject({
      lago_id: invoice.lago_id,
      number: invoice.number,
      status: "voided",
      payment_status: "succeeded",
      total_amount_cents: 1000,
    });
    expect(voided.voided_at).toEqual(expect.any(String));

    const notes = await notesOf("void-paid");
    expect(notes).toHaveLength(2);
    const [asked, rest] = notes as [CreditNoteObject, CreditNoteObject];
    expect(asked).toMatchObject({
      number: `${invoice.number}-CN001`,
      lago_invoice_id: invoice.lago_id,
      reason: "other",
      credit_status: "available",
      refund_status: "pending",
      total_amount_cents: 750,
      credit_amount_cents: 150,
      refund_amount_cents: 600,
      balance_amount_cents: 150,
    } satisfies Partial<Record<keyof CreditNoteObject, unknown>>);
    expect(rest).toMatchObject({
      number: `${invoice.number}-CN002`,
      lago_invoice_id: invoice.lago_id,
      reason: "other",
      credit_status: "voided",
      refund_status: null,
      total_amount_cents: 250,
      credit_amount_cents: 250,
      refund_amount_cents: 0,
      balance_amount_cents: 0,
    } satisfies Partial<Record<keyof CreditNoteObject, unknown>>);
    // What it had to credit, and nothing more.
    expect(asked.total_amount_cents + rest.total_amount_cents).toBe(invoice.total_amount_cents);

    // A second void: nothing left to credit with amounts, not voidable without.
    expect(
      await lagoError(
        lago.invoices.voidInvoice(invoice.lago_id, { generate_credit_note: true, credit_amount: 1 }),
      ),
    ).toEqual(exceeds);
    expect(
      await lagoError(lago.invoices.voidInvoice(invoice.lago_id, { generate_credit_note: true })),
    ).toEqual(notVoidable);
    expect(await lagoError(lago.invoices.voidInvoice(invoice.lago_id))).toEqual(notVoidable);
    expect(await notesOf("void-paid")).toHaveLength(2);
  });

  it("voids an unpaid invoice with credit only", async () => {
    const invoice = await finalizedInvoice("void-unpaid");
    // Nothing was paid: nothing to refund.
    expect(
      await lagoError(
        lago.invoices.voidInvoice(invoice.lago_id, { generate_credit_note: true, refund_amount: 1 }),
      ),
    ).toEqual(exceeds);
    expect(await notesOf("void-unpaid")).toEqual([]);

    const voided = (
      await lago.invoices.voidInvoice(invoice.lago_id, { generate_credit_note: true, credit_amount: 400 })
    ).data.invoice;
    expect(voided).toMatchObject({ status: "voided", payment_status: "pending", total_due_amount_cents: 0 });
    expect(await notesOf("void-unpaid")).toMatchObject([
      {
        credit_status: "available",
        refund_status: null,
        total_amount_cents: 400,
        credit_amount_cents: 400,
        refund_amount_cents: 0,
        balance_amount_cents: 400,
      },
      { credit_status: "voided", total_amount_cents: 600, credit_amount_cents: 600, balance_amount_cents: 0 },
    ]);
    expect(
      await lagoError(lago.invoices.voidInvoice(invoice.lago_id, { generate_credit_note: true })),
    ).toEqual(notVoidable);
  });
});
