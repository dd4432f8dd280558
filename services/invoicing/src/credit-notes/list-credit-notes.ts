import type { Customer } from "#shared/domain/catalog.js";
import {
  type CreditNoteListFilters,
  creditNoteMatches,
  newestCreditNotesFirst,
} from "#shared/domain/credit-notes/credit-note-filters.js";
import type { CreditNoteStore, StoredCreditNote } from "../store/credit-note-store.js";

/**
 * The organization's credit notes passing `filters`, newest first. A search term reads the
 * customers of the notes (once each), for Lago's search of their names, ids and emails.
 */
export async function listCreditNotes(
  store: Pick<CreditNoteStore, "list">,
  customerOf: (note: StoredCreditNote) => Promise<Customer | undefined>,
  organizationId: string,
  filters: CreditNoteListFilters,
): Promise<StoredCreditNote[]> {
  const notes = await store.list(organizationId);
  const customers = new Map<string, Promise<Customer | undefined>>();
  const matched: StoredCreditNote[] = [];
  for (const note of notes) {
    let customer: Customer | undefined;
    if (filters.searchTerm !== undefined) {
      let pending = customers.get(note.customerId);
      if (!pending) {
        pending = customerOf(note);
        customers.set(note.customerId, pending);
      }
      customer = await pending;
    }
    if (creditNoteMatches(filters, note, customer)) matched.push(note);
  }
  return matched.sort(newestCreditNotesFirst);
}
