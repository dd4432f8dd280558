import { documentMessage } from "#shared/contracts/document-messages.js";
import { eventBridgeClient } from "#shared/platform/aws-clients.js";
import { eventBus, resourceName } from "#shared/platform/resources.js";
import { createQueueConsumer } from "#shared/platform/sqs/queue-consumer.js";
import { CatalogStore } from "#shared/store/catalog-store.js";
import { OrganizationStore } from "#shared/store/organization-store.js";
import { eventBridgePublisher } from "../billing/domain-events.js";
import { DocumentFiles } from "../documents/document-files.js";
import {
  type GenerateCreditNotePdfDeps,
  generateCreditNotePdf,
} from "../documents/generate-credit-note-pdf.js";
import { type GeneratePdfDeps, generateInvoicePdf } from "../documents/generate-invoice-pdf.js";
import { CreditNoteStore } from "../store/credit-note-store.js";
import { InvoiceStore } from "../store/invoice-store.js";

let deps: (GeneratePdfDeps & GenerateCreditNotePdfDeps) | undefined;
/** The catalog read only, invoicing's own table, the documents bucket, the bus. */
const dependencies = (): GeneratePdfDeps & GenerateCreditNotePdfDeps => {
  deps ??= {
    catalog: new CatalogStore(),
    organizations: new OrganizationStore(),
    invoices: new InvoiceStore(),
    creditNotes: new CreditNoteStore(),
    files: new DocumentFiles(),
    publish: eventBridgePublisher(eventBridgeClient(), resourceName(eventBus)),
  };
  return deps;
};

/** The documents queue's consumer: renders each asked document, stores it, owes its event. */
export const handler = createQueueConsumer({
  service: "documents-renderer",
  message: documentMessage,
  handleMessage: async (message) => {
    if (message.kind === "render_credit_note")
      await generateCreditNotePdf(
        dependencies(),
        message.organizationId,
        message.creditNoteId,
        message.requestedAt,
      );
    else
      await generateInvoicePdf(
        dependencies(),
        message.organizationId,
        message.invoiceId,
        message.requestedAt,
      );
  },
});
