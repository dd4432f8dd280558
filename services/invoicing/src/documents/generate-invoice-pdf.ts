import type { CatalogStore } from "#shared/store/catalog-store.js";
import { type EventPublication, publishInvoiceEvents } from "../invoices/publish-invoice-events.js";
import type { InvoiceStore } from "../store/invoice-store.js";
import { type DocumentFiles, invoiceFileKey } from "./document-files.js";
import { invoiceDocument } from "./invoice-document.js";
import { renderDocumentPdf } from "./render-document-pdf.js";

export interface GeneratePdfDeps extends EventPublication {
  readonly catalog: EventPublication["catalog"] & Pick<CatalogStore, "customerOf">;
  readonly invoices: EventPublication["invoices"] & Pick<InvoiceStore, "get" | "recordFile">;
  readonly files: Pick<DocumentFiles, "put">;
}

export type GenerateOutcome = "generated" | "already_stored" | "not_renderable";

/**
 * Renders a finalized invoice's PDF (the documents renderer, from the queue a download fills),
 * stores it under the invoice's own key, and records it on the invoice owing `invoice.generated`
 * in one conditional write, then publishes what the invoice owes. Safe to run twice or at once:
 * a second render overwrites the same key with the same bytes, and only the first record owes
 * the event. A crash after the record leaves the event owed, for the billing clock's next run.
 */
export async function generateInvoicePdf(
  deps: GeneratePdfDeps,
  organizationId: string,
  invoiceId: string,
  now: string,
): Promise<GenerateOutcome> {
  const invoice = await deps.invoices.get(organizationId, invoiceId);
  // A draft has no PDF (Lago's `is_draft`); an invoice gone has nothing to render.
  if (!invoice || invoice.status === "draft") return "not_renderable";
  let outcome: GenerateOutcome = "already_stored";
  if (!invoice.fileKey) {
    const organization = await deps.organizations.get(organizationId);
    if (!organization) return "not_renderable";
    const customer = await deps.catalog.customerOf(invoice);
    const bytes = await renderDocumentPdf(invoiceDocument({ invoice, organization, customer }));
    const key = invoiceFileKey(organizationId, invoiceId);
    await deps.files.put(key, bytes, `${invoice.number}.pdf`);
    if (await deps.invoices.recordFile(organizationId, invoiceId, key, now)) outcome = "generated";
  }
  await publishInvoiceEvents(deps, organizationId, invoiceId);
  return outcome;
}
