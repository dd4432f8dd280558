import { createApiHandler } from "#shared/platform/http/api-handler.js";
import { apiKeyResolver } from "#shared/store/organization-store.js";
import { getInvoice, listInvoices } from "../invoices/invoice-routes.js";
import type { InvoicingRoute } from "../routes.js";
import { InvoiceStore } from "../store/invoice-store.js";

let invoices: InvoiceStore | undefined;
const store = () => {
  invoices ??= new InvoiceStore();
  return invoices;
};

export const handler = createApiHandler<InvoicingRoute>({
  service: "invoicing-api",
  resolveApiKey: apiKeyResolver(),
  routes: {
    "GET /api/v1/invoices": (request) => listInvoices(request, store()),
    "GET /api/v1/invoices/{lago_id}": (request) => getInvoice(request, store()),
  },
});
