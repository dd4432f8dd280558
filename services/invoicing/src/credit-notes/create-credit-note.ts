import { hasCreditNoteKey, withCreditNoteKey } from "#shared/domain/credit-notes/invoice-credit-state.js";
import {
  type CreditNoteRefusal,
  type CreditNoteRequest,
  issueCreditNote,
} from "#shared/domain/credit-notes/issue-credit-note.js";
import { stableUuid } from "#shared/platform/ids.js";
import { publishInvoiceEvents } from "../invoices/publish-invoice-events.js";
import type { InvoiceChangeDeps } from "../invoices/refresh-draft.js";
import { MAX_CHANGE_ATTEMPTS } from "../invoices/refresh-draft.js";
import { type CreditNoteStore, creditNoteId, type StoredCreditNote } from "../store/credit-note-store.js";
import { InvoiceContendedError, type StoredInvoice } from "../store/invoice-store.js";

/** What making a credit note reads and writes: invoices, their credit notes, the bus. */
export interface CreditNoteDeps
  extends Pick<InvoiceChangeDeps, "catalog" | "organizations" | "invoices" | "publish" | "clock"> {
  readonly creditNotes: CreditNoteStore;
}

export type CreateCreditNoteOutcome =
  | { readonly kind: "created"; readonly creditNote: StoredCreditNote; readonly invoice: StoredInvoice }
  | { readonly kind: "invoice_not_found" }
  /** A note under the same key is on the invoice already (a repeated run): nothing made. */
  | { readonly kind: "already_made"; readonly invoice: StoredInvoice }
  | { readonly kind: "refused"; readonly refusal: CreditNoteRefusal };

/**
 * Makes a credit note on an invoice at `now` (`POST /credit_notes`), as Lago's
 * `CreditNotes::CreateService`: its amounts from its items, its split within the invoice's limits,
 * numbered after the invoice's notes. It is written with the invoice's credit note sums in one
 * transaction conditional on the invoice as read, so a concurrent note, payment or void makes this
 * one read the invoice again and be checked against it: two notes can never take the invoice's
 * creditable amount twice. It owes `credit_note.created`, published once, and, on a paid invoice,
 * its refund through the invoice's payment provider, made once that is published.
 */
export async function createCreditNote(
  deps: CreditNoteDeps,
  organizationId: string,
  invoiceId: string,
  request: CreditNoteRequest,
  now: string,
  /** Made once under this key: written with the note, in its transaction (see `withCreditNoteKey`). */
  key?: string,
): Promise<CreateCreditNoteOutcome> {
  for (let attempt = 0; attempt < MAX_CHANGE_ATTEMPTS * 4; attempt++) {
    const invoice = await deps.invoices.get(organizationId, invoiceId);
    if (!invoice) return { kind: "invoice_not_found" };
    if (key !== undefined && hasCreditNoteKey(invoice, key)) return { kind: "already_made", invoice };
    const issued = issueCreditNote(
      invoice,
      request,
      {
        creditNoteId: (sequentialId) => creditNoteId(organizationId, invoiceId, sequentialId),
        itemId: (index) =>
          stableUuid(
            "credit-note-item",
            organizationId,
            invoiceId,
            String(invoice.creditNotes?.count ?? 0),
            String(index),
          ),
        taxId: (code) =>
          stableUuid(
            "credit-note-tax",
            organizationId,
            invoiceId,
            String(invoice.creditNotes?.count ?? 0),
            code,
          ),
      },
      now,
    );
    if (!issued.ok) return { kind: "refused", refusal: issued.refusal };
    // Lago refunds through the provider only a paid invoice's note (its payment is found then).
    const refundOwed = issued.creditNote.refundAmountCents > 0 && invoice.paymentStatus === "succeeded";
    const record =
      key === undefined ? issued.invoiceCreditNotes : withCreditNoteKey(issued.invoiceCreditNotes, key);
    const outcome = await deps.creditNotes.create(invoice, issued.creditNote, record, {
      refundOwed,
    });
    if (outcome.written) {
      await publishInvoiceEvents(deps, organizationId, invoiceId);
      return {
        kind: "created",
        creditNote: { ...issued.creditNote, version: 1 },
        invoice: { ...invoice, creditNotes: record },
      };
    }
  }
  throw new InvoiceContendedError(invoiceId);
}
