import type { Organization } from "#shared/domain/catalog.js";
import type { Invoice } from "#shared/domain/invoice.js";
import type { CatalogStore } from "#shared/store/catalog-store.js";
import { type DocumentFiles, documentFiles } from "../documents/document-files.js";
import type { StoredCreditNote } from "../store/credit-note-store.js";
import { type CreditNoteShape, serializeCreditNote } from "./serialize-credit-note.js";

/** What credit notes show beside themselves is read from: their invoices, the catalog, the files. */
export interface CreditNoteSources {
  readonly catalog: Pick<CatalogStore, "customerOf">;
  readonly organization: Organization;
  /** The note's invoice (read once per invoice however many notes it has). */
  readonly invoiceOf: (organizationId: string, invoiceId: string) => Promise<Invoice | undefined>;
  readonly files?: Pick<DocumentFiles, "presign">;
}

/**
 * Credit notes as Lago shows them, each with its invoice's fees and its customer as the catalog
 * has it now; each invoice and customer read once.
 */
export async function presentCreditNotes(
  sources: CreditNoteSources,
  notes: readonly StoredCreditNote[],
): Promise<CreditNoteShape[]> {
  const invoices = new Map<string, Promise<Invoice | undefined>>();
  const customers = new Map<string, ReturnType<CreditNoteSources["catalog"]["customerOf"]>>();
  return Promise.all(
    notes.map(async (note) => {
      let invoice = invoices.get(note.invoiceId);
      if (!invoice) {
        invoice = sources.invoiceOf(note.organizationId, note.invoiceId);
        invoices.set(note.invoiceId, invoice);
      }
      let customer = customers.get(note.customerId);
      if (!customer) {
        customer = sources.catalog.customerOf({
          organizationId: note.organizationId,
          customerId: note.customerId,
          externalCustomerId: note.externalCustomerId,
        });
        customers.set(note.customerId, customer);
      }
      return serializeCreditNote(note, {
        invoice: await invoice,
        organization: sources.organization,
        customer: await customer,
        fileUrl: note.fileKey ? await (sources.files ?? documentFiles()).presign(note.fileKey) : null,
      });
    }),
  );
}
