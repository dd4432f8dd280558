import { z } from "zod";

/**
 * What the documents queue carries: a document to render and store, sent by a download that found
 * none stored. Safe to handle twice: the file's key is the document's own, and only the first
 * stored file owes the document's event.
 */
export const renderInvoiceDocument = z.object({
  kind: z.literal("render_invoice"),
  organizationId: z.string().min(1),
  invoiceId: z.string().min(1),
  /** The download's instant: when the file is recorded as stored. */
  requestedAt: z.string().min(1),
});

/** A credit note's PDF to render and store, as `renderInvoiceDocument`. */
export const renderCreditNoteDocument = z.object({
  kind: z.literal("render_credit_note"),
  organizationId: z.string().min(1),
  creditNoteId: z.string().min(1),
  requestedAt: z.string().min(1),
});

export const documentMessage = z.discriminatedUnion("kind", [
  renderInvoiceDocument,
  renderCreditNoteDocument,
]);
export type DocumentMessage = z.infer<typeof documentMessage>;
