import { creditNoteVoidRefusal, voidedCreditNote } from "#shared/domain/credit-notes/credit-note.js";
import { MAX_CHANGE_ATTEMPTS } from "../invoices/refresh-draft.js";
import type { CreditNoteStore, StoredCreditNote } from "../store/credit-note-store.js";

export type VoidCreditNoteOutcome =
  | { readonly kind: "voided"; readonly creditNote: StoredCreditNote }
  | { readonly kind: "refused"; readonly code: "no_voidable_amount" }
  | { readonly kind: "not_found" }
  | { readonly kind: "contended" };

/**
 * Voids a credit note at `now` (`PUT /credit_notes/{id}/void`), as Lago's `CreditNotes::VoidService`:
 * only one not voided with a balance left; its credit status becomes `voided` and its balance 0,
 * so no later invoice uses it. Conditional on the note as read: a finalization spending its
 * balance meanwhile makes it read again (and voids what is left).
 */
export async function voidCreditNote(
  store: Pick<CreditNoteStore, "get" | "void">,
  organizationId: string,
  id: string,
  now: string,
): Promise<VoidCreditNoteOutcome> {
  for (let attempt = 0; attempt < MAX_CHANGE_ATTEMPTS; attempt++) {
    const note = await store.get(organizationId, id);
    if (!note) return { kind: "not_found" };
    const refusal = creditNoteVoidRefusal(note);
    if (refusal) return { kind: "refused", code: refusal };
    const voided = voidedCreditNote(note, now);
    const outcome = await store.void(note, voided);
    if (outcome.written)
      return { kind: "voided", creditNote: { ...voided, version: (note.version ?? 1) + 1 } };
  }
  return { kind: "contended" };
}
