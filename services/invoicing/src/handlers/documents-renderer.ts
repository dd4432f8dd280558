import { documentMessage } from "#shared/contracts/document-messages.js";
import { eventBridgeClient } from "#shared/platform/aws-clients.js";
import { eventBus, resourceName } from "#shared/platform/resources.js";
import { createQueueConsumer } from "#shared/platform/sqs/queue-consumer.js";
import { CatalogStore } from "#shared/store/catalog-store.js";
import { OrganizationStore } from "#shared/store/organization-store.js";
import { eventBridgePublisher } from "../billing/domain-events.js";
import { DocumentFiles } from "../documents/document-files.js";
import { type GeneratePdfDeps, generateInvoicePdf } from "../documents/generate-invoice-pdf.js";
import { InvoiceStore } from "../store/invoice-store.js";

let deps: GeneratePdfDeps | undefined;
/** The catalog read only, invoicing's own table, the documents bucket, the bus. */
const dependencies = (): GeneratePdfDeps => {
  deps ??= {
    catalog: new CatalogStore(),
    organizations: new OrganizationStore(),
    invoices: new InvoiceStore(),
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
    await generateInvoicePdf(dependencies(), message.organizationId, message.invoiceId, message.requestedAt);
  },
});
