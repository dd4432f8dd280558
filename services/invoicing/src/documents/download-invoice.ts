import type { DocumentMessage } from "#shared/contracts/document-messages.js";
import type { InvoiceStore, StoredInvoice } from "../store/invoice-store.js";

export type DownloadOutcome =
  /** Unknown, or not finalized (a draft, a voided invoice): Lago finds finalized invoices only. */
  | { readonly kind: "not_found" }
  /** Its PDF is stored: shown with its presigned `file_url`. */
  | { readonly kind: "stored"; readonly invoice: StoredInvoice }
  /** Its PDF is asked of the documents renderer; `invoice.generated` follows once it is stored. */
  | { readonly kind: "queued" };

export interface DownloadDeps {
  readonly invoices: Pick<InvoiceStore, "get">;
  /** Sends a document to render to the documents queue. */
  readonly requestRender: (message: DocumentMessage) => Promise<void>;
}

/**
 * `POST /invoices/{id}/download`, as Lago's `download_pdf`: a finalized invoice whose PDF is
 * stored is answered with it; otherwise its render is queued (never made on the request path) and
 * the answer is empty. Downloads asked before the render ends each queue one: the renders write
 * the same key, and only the first stored file owes `invoice.generated`.
 */
export async function downloadInvoice(
  deps: DownloadDeps,
  organizationId: string,
  invoiceId: string,
  now: string,
): Promise<DownloadOutcome> {
  const invoice = await deps.invoices.get(organizationId, invoiceId);
  if (invoice?.status !== "finalized") return { kind: "not_found" };
  if (invoice.fileKey) return { kind: "stored", invoice };
  await deps.requestRender({ kind: "render_invoice", organizationId, invoiceId, requestedAt: now });
  return { kind: "queued" };
}
