import { voidedInvoice, voidRefusal } from "#shared/domain/invoices/void.js";
import { CreditNoteStore, creditNoteId, type StoredCreditNote } from "../store/credit-note-store.js";
import { InvoiceContendedError, type StoredInvoice } from "../store/invoice-store.js";
import { publishInvoiceEvents } from "./publish-invoice-events.js";
import { type InvoiceChangeDeps, MAX_CHANGE_ATTEMPTS } from "./refresh-draft.js";

export type VoidOutcome =
  | { readonly kind: "voided"; readonly invoice: StoredInvoice }
  | { readonly kind: "refused"; readonly code: string }
  | { readonly kind: "not_found" };

/** What voiding reads and writes: the invoice changes' dependencies and the invoice's credit notes. */
export type VoidDeps = Pick<
  InvoiceChangeDeps,
  "catalog" | "organizations" | "invoices" | "publish" | "clock"
> & {
  /** Built on first use when not given (the invoices' table). */
  readonly creditNotes?: CreditNoteStore;
};

let defaultCreditNotes: CreditNoteStore | undefined;
/** The credit notes on the invoices' table, for callers given none. */
export const defaultCreditNoteStore = (): CreditNoteStore => {
  defaultCreditNotes ??= new CreditNoteStore();
  return defaultCreditNotes;
};

/** The invoice's credit notes, read by their places (every note's id is its invoice's and place's). */
export async function creditNotesOfInvoice(
  store: Pick<CreditNoteStore, "get">,
  invoice: Pick<StoredInvoice, "organizationId" | "id" | "creditNotes">,
): Promise<StoredCreditNote[]> {
  const places = Array.from({ length: invoice.creditNotes?.count ?? 0 }, (_, index) => index + 1);
  const notes = await Promise.all(
    places.map((place) =>
      store.get(invoice.organizationId, creditNoteId(invoice.organizationId, invoice.id, place)),
    ),
  );
  return notes.filter((note): note is StoredCreditNote => note !== undefined);
}

/**
 * Voids a finalized, unpaid invoice at `now` (`POST /invoices/{id}/void`) that no credit note
 * still credits: it keeps its number and amounts, nothing is due on it any more, and it owes
 * `invoice.voided`, published once. The write is conditional on the status and payment status
 * read, so a payment or another void meanwhile is seen on a fresh read. It is not conditional on
 * the invoice's credit notes: the invoice is read again after its notes, and the void made only
 * if none was made meanwhile, which leaves the time of one write for a note to slip in.
 */
export async function voidInvoice(
  deps: VoidDeps,
  organizationId: string,
  invoiceId: string,
  now: string,
): Promise<VoidOutcome> {
  const creditNotes = deps.creditNotes ?? defaultCreditNoteStore();
  for (let attempt = 0; attempt < MAX_CHANGE_ATTEMPTS; attempt++) {
    const stored = await deps.invoices.get(organizationId, invoiceId);
    if (!stored) return { kind: "not_found" };
    const notes = await creditNotesOfInvoice(creditNotes, stored);
    const refusal = voidRefusal(stored, notes);
    if (refusal) return { kind: "refused", code: refusal };
    // A note made between the invoice's read and its notes' is seen on this read.
    const fresh = await deps.invoices.get(organizationId, invoiceId);
    if (!fresh) return { kind: "not_found" };
    if ((fresh.creditNotes?.count ?? 0) !== (stored.creditNotes?.count ?? 0)) continue;
    const freshRefusal = voidRefusal(fresh, notes);
    if (freshRefusal) return { kind: "refused", code: freshRefusal };
    const outcome = await deps.invoices.voidFinalized(fresh, voidedInvoice(fresh, now));
    if (outcome.changed) {
      await publishInvoiceEvents(deps, organizationId, invoiceId);
      return { kind: "voided", invoice: outcome.invoice };
    }
  }
  throw new InvoiceContendedError(invoiceId);
}
