import type { CreditNote, RefundStatus } from "#shared/domain/credit-notes/credit-note.js";
import { MAX_CHANGE_ATTEMPTS } from "../invoices/refresh-draft.js";
import type { CreditNoteStore, StoredCreditNote } from "../store/credit-note-store.js";

export interface CreditNoteUpdate {
  /** Absent: left as it is. */
  readonly refundStatus?: RefundStatus;
  /** Keys set (a null value kept as null); absent: left as they are; null: all removed. */
  readonly metadata?: Readonly<Record<string, string | null>> | null;
}

export type UpdateCreditNoteOutcome =
  | { readonly kind: "updated"; readonly creditNote: StoredCreditNote }
  | { readonly kind: "not_found" }
  | { readonly kind: "contended" };

/**
 * Sets a credit note's refund status and metadata (`PUT /credit_notes/{id}`), as Lago's
 * `CreditNotes::UpdateService` with partial metadata: a refund marked `succeeded` is refunded at
 * `now`; metadata keys given are set, others kept.
 */
export async function updateCreditNote(
  store: Pick<CreditNoteStore, "get" | "update">,
  organizationId: string,
  id: string,
  update: CreditNoteUpdate,
  now: string,
): Promise<UpdateCreditNoteOutcome> {
  for (let attempt = 0; attempt < MAX_CHANGE_ATTEMPTS; attempt++) {
    const note = await store.get(organizationId, id);
    if (!note) return { kind: "not_found" };
    const refundStatus = update.refundStatus ?? note.refundStatus;
    const refundedAt =
      update.refundStatus === "succeeded" ? now : update.refundStatus ? null : note.refundedAt;
    const metadata: CreditNote["metadata"] =
      update.metadata === undefined
        ? note.metadata
        : update.metadata === null
          ? {}
          : { ...note.metadata, ...update.metadata };
    const next = { refundStatus, refundedAt, metadata, updatedAt: now };
    const outcome = await store.update(note, next);
    if (outcome.written)
      return { kind: "updated", creditNote: { ...note, ...next, version: (note.version ?? 1) + 1 } };
  }
  return { kind: "contended" };
}
