import type { VoidCreditNoteRequest } from "#shared/domain/credit-notes/void-invoice-credit-notes.js";
import { voidedInvoice } from "#shared/domain/invoices/void.js";
import {
  nextVoidWithCreditNotesStep,
  voidAmountsRefusal,
} from "#shared/domain/invoices/void-with-credit-notes.js";
import { type CreditNoteDeps, createCreditNote } from "../credit-notes/create-credit-note.js";
import { voidCreditNote } from "../credit-notes/void-credit-note.js";
import { InvoiceContendedError, type StoredInvoice } from "../store/invoice-store.js";
import { publishInvoiceEvents } from "./publish-invoice-events.js";
import { MAX_CHANGE_ATTEMPTS } from "./refresh-draft.js";
import { creditNotesOfInvoice } from "./void-invoice.js";

export type VoidWithCreditNotesOutcome =
  | { readonly kind: "voided"; readonly invoice: StoredInvoice }
  | { readonly kind: "refused"; readonly code: "not_voidable" }
  | { readonly kind: "invalid"; readonly code: "total_amount_exceeds_invoice_amount" }
  | { readonly kind: "not_found" };

/**
 * Voids a finalized invoice at `now` with credit notes (`POST /invoices/{id}/void` with
 * `generate_credit_note`), paid or not, as Lago's void service: a note for the credit and refund
 * asked (a refund stays pending for the payment provider), and one for whatever is left to
 * credit, voided at once, so the voided invoice credits nothing more. Each step is one
 * conditional write, and each is chosen from the invoice and its notes as read
 * (`nextVoidWithCreditNotesStep`): a run that died half way is finished by the next, which reads
 * that a `void` note was made and goes on from there with the first run's amounts. An invoice
 * found voided with nothing left to do answers 405 as a second void does.
 *
 * Two windows are left. The remainder's balance exists between its note and its void, so a
 * finalization of another invoice of the customer at that moment may take some of it (the void
 * then cancels what is left). Two first runs at the very same time may each write their first
 * note (`createCreditNote` checks its note against the invoice's limits, not against another
 * run's): a key written with the note (`withCreditNoteKey`) would close that.
 */
export async function voidInvoiceWithCreditNotes(
  deps: CreditNoteDeps,
  organizationId: string,
  invoiceId: string,
  request: VoidCreditNoteRequest,
  now: string,
): Promise<VoidWithCreditNotesOutcome> {
  let acted = false;
  // Up to three writes, each of which may meet a concurrent change and be read again.
  for (let attempt = 0; attempt < MAX_CHANGE_ATTEMPTS * 4; attempt++) {
    const invoice = await deps.invoices.get(organizationId, invoiceId);
    if (!invoice) return { kind: "not_found" };
    const notes = await creditNotesOfInvoice(deps.creditNotes, invoice);
    const step = nextVoidWithCreditNotesStep(invoice, notes, request);
    switch (step.kind) {
      case "invalid":
      case "refused":
        // Only an invoice this run voided without notes (nothing to credit) reads as never begun.
        return acted ? { kind: "voided", invoice } : step;
      case "done":
        if (acted) return { kind: "voided", invoice };
        return voidAmountsRefusal(invoice, request)
          ? { kind: "invalid", code: "total_amount_exceeds_invoice_amount" }
          : { kind: "refused", code: "not_voidable" };
      case "create_note": {
        const created = await createCreditNote(deps, organizationId, invoiceId, step.request, now, step.key);
        if (created.kind === "invoice_not_found") return { kind: "not_found" };
        // Refused: the invoice changed since it was read (another note, a payment); read again.
        if (created.kind === "created") acted = true;
        break;
      }
      case "void_invoice": {
        const outcome = await deps.invoices.voidFinalized(invoice, voidedInvoice(invoice, now));
        if (outcome.changed) {
          acted = true;
          await publishInvoiceEvents(deps, organizationId, invoiceId);
        }
        break;
      }
      case "void_note": {
        // Voided, or its balance taken meanwhile (nothing left to void): done either way.
        const voided = await voidCreditNote(deps.creditNotes, organizationId, step.creditNoteId, now);
        if (voided.kind !== "contended") acted = true;
        break;
      }
    }
  }
  throw new InvoiceContendedError(invoiceId);
}
