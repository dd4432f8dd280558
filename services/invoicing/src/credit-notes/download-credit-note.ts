import type { DocumentMessage } from "#shared/contracts/document-messages.js";
import type { CreditNoteStore, StoredCreditNote } from "../store/credit-note-store.js";

export type CreditNoteDownloadOutcome =
  | { readonly kind: "not_found" }
  /** Its PDF is stored: shown with its presigned `file_url`. */
  | { readonly kind: "stored"; readonly creditNote: StoredCreditNote }
  /** Its PDF is asked of the documents renderer; `credit_note.generated` follows once it is stored. */
  | { readonly kind: "queued" };

export interface CreditNoteDownloadDeps {
  readonly creditNotes: Pick<CreditNoteStore, "get">;
  /** Sends a document to render to the documents queue. */
  readonly requestRender: (message: DocumentMessage) => Promise<void>;
}

/**
 * `POST /credit_notes/{id}/download`, as Lago's `download_pdf`: a note whose PDF is stored is
 * answered with it; otherwise its render is queued (never made on the request path) and the answer
 * is empty. Downloads asked before the render ends each queue one: the renders write the same
 * key, and only the first stored file owes `credit_note.generated`.
 */
export async function downloadCreditNote(
  deps: CreditNoteDownloadDeps,
  organizationId: string,
  creditNoteId: string,
  now: string,
): Promise<CreditNoteDownloadOutcome> {
  const creditNote = await deps.creditNotes.get(organizationId, creditNoteId);
  if (!creditNote) return { kind: "not_found" };
  if (creditNote.fileKey) return { kind: "stored", creditNote };
  await deps.requestRender({ kind: "render_credit_note", organizationId, creditNoteId, requestedAt: now });
  return { kind: "queued" };
}
