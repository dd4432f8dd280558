/**
 * Voiding invoices with credit notes (`generate_credit_note`) on moto, through the invoices' API
 * handler as deployed: a paid invoice is voided with the note asked for (its refund pending) and
 * the rest in a note voided at once, adding up to what it had to credit; a refusal makes nothing;
 * a second void is refused; a void that dies after any of its writes is finished by the client's
 * retry with the first run's amounts, with two notes and one `invoice.voided`; and a plain void
 * is refused while a credit note still credits the invoice.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { voidInvoice } from "../../services/invoicing/src/invoices/void-invoice.js";
import { voidInvoiceWithCreditNotes } from "../../services/invoicing/src/invoices/void-invoice-with-credit-notes.js";
import {
  CreditNoteStore,
  type StoredCreditNote,
} from "../../services/invoicing/src/store/credit-note-store.js";
import { InvoiceStore, type StoredInvoice } from "../../services/invoicing/src/store/invoice-store.js";
import type { CreditNote } from "../../shared/src/domain/credit-notes/credit-note.js";
import type { Invoice } from "../../shared/src/domain/invoice.js";
import { type AwsHarness, startAwsHarness } from "../support/aws-harness.js";
import { billingDeps } from "../support/invoicing.js";
import { clockRun, invoicing, type Published, seedCatalog, watchBus } from "../support/payments.js";

let aws: AwsHarness;
let bus: Awaited<ReturnType<typeof watchBus>>;
beforeAll(async () => {
  aws = await startAwsHarness();
  bus = await watchBus();
});
afterAll(async () => {
  bus.stop();
  await aws.stop();
});

const AT = "2026-06-02T10:00:00.000Z";
const published: Published[] = [];
/** The types of the events published for the invoice and its credit notes so far, in order. */
async function typesOf(invoiceId: string): Promise<string[]> {
  published.push(...(await bus.take()));
  return published
    .filter((event) => {
      const note = event.detail.credit_note as { lago_invoice_id?: string } | undefined;
      return (note?.lago_invoice_id ?? event.invoiceId) === invoiceId;
    })
    .map((event) => event.type);
}

/** May's invoice of a new organization (10.00 EUR), finalized on June 1, and paid in full if asked. */
async function invoiceOf(name: string, options: { paid: boolean }) {
  const seeded = await seedCatalog({ name, subscriptionAt: "2026-05-01T00:00:00Z" });
  await clockRun("2026-06-01T00:00:00.000Z");
  const [invoice] = (await new InvoiceStore().list(seeded.organizationId)) as [StoredInvoice];
  expect(invoice).toMatchObject({ status: "finalized", paymentStatus: "pending", totalAmountCents: 1000 });
  if (options.paid) {
    const answer = await invoicing("POST /api/v1/payments", {
      apiKey: seeded.apiKey,
      at: "2026-06-01T12:00:00.000Z",
      body: { payment: { invoice_id: invoice.id, amount_cents: 1000, reference: "wire" } },
    });
    expect(answer.status, JSON.stringify(answer.body)).toBe(200);
  }
  return { ...seeded, invoice };
}

const voidIt = (apiKey: string, invoiceId: string, body?: unknown) =>
  invoicing("POST /api/v1/invoices/{lago_id}/void", { apiKey, params: { lago_id: invoiceId }, body, at: AT });

const notesOf = async (organizationId: string): Promise<StoredCreditNote[]> =>
  (await new CreditNoteStore().list(organizationId)).sort((a, b) => a.sequentialId - b.sequentialId);

const summary = (note: CreditNote) => ({
  number: note.number,
  origin: note.origin,
  reason: note.reason,
  total: note.totalAmountCents,
  credit: note.creditAmountCents,
  refund: note.refundAmountCents,
  balance: note.balanceAmountCents,
  creditStatus: note.creditStatus,
  refundStatus: note.refundStatus,
});

const notVoidable = { status: 405, body: { status: 405, error: "Method Not Allowed", code: "not_voidable" } };
const exceeds = {
  status: 422,
  body: {
    status: 422,
    error: "Unprocessable Entity",
    code: "validation_errors",
    error_details: { credit_refund_amount: ["total_amount_exceeds_invoice_amount"] },
  },
};

describe("a void with credit notes", () => {
  it("voids a paid invoice with the refund and credit asked, the rest in a note voided at once", async () => {
    const { apiKey, organizationId, invoice } = await invoiceOf("Void Paid", { paid: true });
    // Past what was paid, or past what it can credit: refused, nothing made.
    expect(await voidIt(apiKey, invoice.id, { generate_credit_note: true, refund_amount: 1001 })).toEqual(
      exceeds,
    );
    expect(
      await voidIt(apiKey, invoice.id, {
        generate_credit_note: true,
        refund_amount: 600,
        credit_amount: 401,
      }),
    ).toEqual(exceeds);
    expect(await voidIt(apiKey, invoice.id, { generate_credit_note: true, credit_amount: -1 })).toMatchObject(
      { status: 422, body: { error_details: { credit_amount: ["value_is_invalid"] } } },
    );
    expect(await notesOf(organizationId)).toEqual([]);
    // A plain void of a paid invoice is refused (Lago's `voidable?`).
    expect(await voidIt(apiKey, invoice.id)).toEqual(notVoidable);
    expect((await new InvoiceStore().get(organizationId, invoice.id))?.status).toBe("finalized");

    const answer = await voidIt(apiKey, invoice.id, {
      generate_credit_note: true,
      refund_amount: 400,
      credit_amount: 300,
    });
    expect(answer.status, JSON.stringify(answer.body)).toBe(200);
    expect(answer.body.invoice).toMatchObject({
      lago_id: invoice.id,
      status: "voided",
      voided_at: AT,
      payment_status: "succeeded",
      total_amount_cents: 1000,
    });
    const notes = await notesOf(organizationId);
    expect(notes.map(summary)).toEqual([
      {
        number: `${invoice.number}-CN001`,
        origin: "void",
        reason: "other",
        total: 700,
        credit: 300,
        refund: 400,
        balance: 300,
        creditStatus: "available",
        refundStatus: "pending",
      },
      {
        number: `${invoice.number}-CN002`,
        origin: "void",
        reason: "other",
        total: 300,
        credit: 300,
        refund: 0,
        balance: 0,
        creditStatus: "voided",
        refundStatus: null,
      },
    ]);
    expect(notes.reduce((sum, note) => sum + note.totalAmountCents, 0)).toBe(1000);
    // Only the asked credit is left to the customer's next invoices.
    const balances = await new CreditNoteStore().balancesOf(organizationId, invoice.customerId);
    expect(balances.map((balance) => [balance.creditNoteId, balance.balanceAmountCents])).toEqual([
      [notes[0]?.id, 300],
    ]);
    const types = await typesOf(invoice.id);
    expect(types.filter((type) => type === "invoice.voided")).toHaveLength(1);
    expect(types.filter((type) => type === "credit_note.created")).toHaveLength(2);

    // A second void: nothing left to credit (422 with amounts, as Lago checks them first), else 405.
    expect(await voidIt(apiKey, invoice.id, { generate_credit_note: true, credit_amount: 1 })).toEqual(
      exceeds,
    );
    expect(await voidIt(apiKey, invoice.id, { generate_credit_note: true })).toEqual(notVoidable);
    expect(await voidIt(apiKey, invoice.id)).toEqual(notVoidable);
    expect(await notesOf(organizationId)).toHaveLength(2);
  });

  it("voids an unpaid invoice with credit only: no refund, the rest voided", async () => {
    const { apiKey, organizationId, invoice } = await invoiceOf("Void Unpaid", { paid: false });
    expect(await voidIt(apiKey, invoice.id, { generate_credit_note: true, refund_amount: 1 })).toEqual(
      exceeds,
    );
    const answer = await voidIt(apiKey, invoice.id, { generate_credit_note: "true", credit_amount: 250 });
    expect(answer.status, JSON.stringify(answer.body)).toBe(200);
    expect(answer.body.invoice).toMatchObject({ status: "voided", total_due_amount_cents: 0 });
    expect((await notesOf(organizationId)).map(summary)).toMatchObject([
      { total: 250, credit: 250, refund: 0, creditStatus: "available", refundStatus: null },
      { total: 750, credit: 750, creditStatus: "voided", balance: 0 },
    ]);
  });

  it("a plain void is refused while a credit note credits the invoice, and allowed once it is voided", async () => {
    const { apiKey, organizationId, invoice } = await invoiceOf("Void Credited", { paid: false });
    const fee = invoice.fees.find((candidate) => candidate.amountCents === 1000);
    const created = await invoicing("POST /api/v1/credit_notes", {
      apiKey,
      at: AT,
      body: {
        credit_note: {
          invoice_id: invoice.id,
          reason: "other",
          items: [{ fee_id: fee?.id, amount_cents: 100 }],
          credit_amount_cents: 100,
        },
      },
    });
    expect(created.status, JSON.stringify(created.body)).toBe(200);
    expect(await voidIt(apiKey, invoice.id)).toEqual(notVoidable);
    expect((await new InvoiceStore().get(organizationId, invoice.id))?.status).toBe("finalized");
    const note = created.body.credit_note as { lago_id: string };
    const voidedNote = await invoicing("PUT /api/v1/credit_notes/{lago_id}/void", {
      apiKey,
      at: AT,
      params: { lago_id: note.lago_id },
    });
    expect(voidedNote.status, JSON.stringify(voidedNote.body)).toBe(200);
    expect(await voidIt(apiKey, invoice.id)).toMatchObject({
      status: 200,
      body: { invoice: { status: "voided" } },
    });
  });
});

describe("a plain void and a credit note made at the same time", () => {
  it("a note made after the void read the invoice makes the void read it again, and refuse it", async () => {
    const { apiKey, organizationId, invoice } = await invoiceOf("Void Raced", { paid: false });
    const fee = invoice.fees.find((candidate) => candidate.amountCents === 1000);
    let raced = false;
    class RacedInvoices extends InvoiceStore {
      override async get(...args: Parameters<InvoiceStore["get"]>) {
        const read = await super.get(...args);
        if (!raced) {
          raced = true;
          const created = await invoicing("POST /api/v1/credit_notes", {
            apiKey,
            at: AT,
            body: {
              credit_note: {
                invoice_id: invoice.id,
                reason: "other",
                items: [{ fee_id: fee?.id, amount_cents: 100 }],
                credit_amount_cents: 100,
              },
            },
          });
          expect(created.status, JSON.stringify(created.body)).toBe(200);
        }
        return read;
      }
    }
    const outcome = await voidInvoice(
      { ...billingDeps(), invoices: new RacedInvoices() },
      organizationId,
      invoice.id,
      AT,
    );
    expect(raced).toBe(true);
    expect(outcome).toEqual({ kind: "refused", code: "not_voidable" });
    expect((await new InvoiceStore().get(organizationId, invoice.id))?.status).toBe("finalized");
  });
});

class Crash extends Error {}

/** The stores of a run that dies right after its `n`-th write (notes and the invoice's void counted). */
function dyingAfter(n: number) {
  let writes = 0;
  const wrote = () => {
    writes += 1;
    if (writes === n) throw new Crash(`died after write ${n}`);
  };
  class DyingNotes extends CreditNoteStore {
    override async create(...args: Parameters<CreditNoteStore["create"]>) {
      const outcome = await super.create(...args);
      if (outcome.written) wrote();
      return outcome;
    }
    override async void(read: StoredCreditNote, voided: CreditNote) {
      const outcome = await super.void(read, voided);
      if (outcome.written) wrote();
      return outcome;
    }
  }
  class DyingInvoices extends InvoiceStore {
    override async voidFinalized(read: StoredInvoice, voided: Invoice) {
      const outcome = await super.voidFinalized(read, voided);
      if (outcome.changed) wrote();
      return outcome;
    }
  }
  return { ...billingDeps(), invoices: new DyingInvoices(), creditNotes: new DyingNotes() };
}

describe("a void with credit notes that dies half way", () => {
  // The first note, the invoice's void, the remainder, the remainder's void.
  for (const write of [1, 2, 3, 4]) {
    it(`after write ${write}: the client's retry finishes it with the first run's amounts, two notes`, async () => {
      const { apiKey, organizationId, invoice } = await invoiceOf(`Void Dies ${write}`, { paid: true });
      await expect(
        voidInvoiceWithCreditNotes(
          dyingAfter(write),
          organizationId,
          invoice.id,
          { creditAmountCents: 200, refundAmountCents: 500 },
          AT,
        ),
      ).rejects.toThrow(Crash);

      // Sent again, with other amounts: the run that began holds.
      const again = await voidIt(apiKey, invoice.id, { generate_credit_note: true, credit_amount: 100 });
      if (write === 4) {
        // Everything was written: it is a second void, and nothing is left to credit.
        expect(again).toEqual(exceeds);
      } else {
        expect(again.status, JSON.stringify(again.body)).toBe(200);
        expect(again.body.invoice).toMatchObject({ status: "voided", voided_at: AT });
      }
      expect((await notesOf(organizationId)).map(summary)).toMatchObject([
        { total: 700, credit: 200, refund: 500, creditStatus: "available", refundStatus: "pending" },
        { total: 300, credit: 300, creditStatus: "voided", balance: 0 },
      ]);
      expect((await new InvoiceStore().get(organizationId, invoice.id))?.status).toBe("voided");
      expect(await voidIt(apiKey, invoice.id, { generate_credit_note: true })).toEqual(notVoidable);
      expect(await notesOf(organizationId)).toHaveLength(2);
    });
  }
});
