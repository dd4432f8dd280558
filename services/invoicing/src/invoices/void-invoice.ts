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
 * `invoice.voided`, published once. The write is conditional on the status, payment status and
 * number of credit notes read, so a payment, another void or a note made meanwhile (even between
 * the invoice's read and its notes') is seen on a fresh read.
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
    const refusal = voidRefusal(stored, await creditNotesOfInvoice(creditNotes, stored));
    if (refusal) return { kind: "refused", code: refusal };
    const outcome = await deps.invoices.voidFinalized(stored, voidedInvoice(stored, now));
    if (outcome.changed) {
      await publishInvoiceEvents(deps, organizationId, invoiceId);
      return { kind: "voided", invoice: outcome.invoice };
    }
  }
  throw new InvoiceContendedError(invoiceId);
}
