import type { CatalogStore } from "#shared/store/catalog-store.js";
import { type EventPublication, publishInvoiceEvents } from "../invoices/publish-invoice-events.js";
import type { CreditNoteStore } from "../store/credit-note-store.js";
import type { InvoiceStore } from "../store/invoice-store.js";
import { creditNoteDocument } from "./credit-note-document.js";
import type { DocumentFiles } from "./document-files.js";
import type { GenerateOutcome } from "./generate-invoice-pdf.js";
import { renderDocumentPdf } from "./render-document-pdf.js";

export interface GenerateCreditNotePdfDeps extends EventPublication {
  readonly catalog: EventPublication["catalog"] & Pick<CatalogStore, "customerOf">;
  readonly invoices: EventPublication["invoices"] & Pick<InvoiceStore, "get">;
  readonly creditNotes: Pick<CreditNoteStore, "get" | "recordFile">;
  readonly files: Pick<DocumentFiles, "put">;
}

/** Where a credit note's PDF is stored: one key per note, so a second render overwrites the first. */
export const creditNoteFileKey = (organizationId: string, creditNoteId: string) =>
  `credit_notes/${organizationId}/${creditNoteId}.pdf`;

/**
 * Renders a credit note's PDF (the documents renderer, from the queue a download fills), as
 * Lago's `CreditNotes::GeneratePdfService`: stored under the note's own key, recorded on the note
 * with `credit_note.generated` owed by its invoice in one transaction, then what the invoice owes
 * is published. Safe to run twice or at once: a second render overwrites the same key with the
 * same document, and only the first record owes the event. A crash after the record leaves the
 * event owed, and the invoice in the drafts index, for the billing clock's next run.
 */
export async function generateCreditNotePdf(
  deps: GenerateCreditNotePdfDeps,
  organizationId: string,
  creditNoteId: string,
  now: string,
): Promise<GenerateOutcome> {
  const creditNote = await deps.creditNotes.get(organizationId, creditNoteId);
  if (!creditNote) return "not_renderable";
  let outcome: GenerateOutcome = "already_stored";
  if (!creditNote.fileKey) {
    const [organization, invoice, customer] = await Promise.all([
      deps.organizations.get(organizationId),
      deps.invoices.get(organizationId, creditNote.invoiceId),
      deps.catalog.customerOf(creditNote),
    ]);
    if (!organization || !invoice) return "not_renderable";
    const bytes = await renderDocumentPdf(
      creditNoteDocument({ creditNote, invoice, organization, customer }),
    );
    const key = creditNoteFileKey(organizationId, creditNoteId);
    await deps.files.put(key, bytes, `${creditNote.number}.pdf`);
    if (await deps.creditNotes.recordFile(creditNote, key, now)) outcome = "generated";
  }
  await publishInvoiceEvents(deps, organizationId, creditNote.invoiceId);
  return outcome;
}
