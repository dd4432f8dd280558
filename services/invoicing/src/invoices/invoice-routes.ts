import { z } from "zod";
import type { ApiRequest } from "#shared/platform/http/api-handler.js";
import { notFound } from "#shared/platform/http/errors.js";
import { pageOf, paginate } from "#shared/platform/http/pagination.js";
import { type HttpResponse, ok } from "#shared/platform/http/responses.js";
import { parseOrReject } from "#shared/platform/http/validation.js";
import type { InvoiceStore } from "../store/invoice-store.js";
import { serializeInvoice } from "./serialize.js";

const isoDate = z.string().regex(/^\d{4}-\d{2}-\d{2}$/, { message: "invalid_date" });

const invoiceFilters = z.object({
  external_customer_id: z.string().optional(),
  status: z
    .enum(["draft", "finalized", "voided", "failed", "pending"], { message: "value_is_invalid" })
    .optional(),
  payment_status: z.enum(["pending", "succeeded", "failed"], { message: "value_is_invalid" }).optional(),
  issuing_date_from: isoDate.optional(),
  issuing_date_to: isoDate.optional(),
});

/** GET /invoices: newest issuing date first, with Lago's filters and pagination. */
export async function listInvoices(request: ApiRequest, store: InvoiceStore): Promise<HttpResponse> {
  const { query } = request;
  const filters = parseOrReject(invoiceFilters, Object.fromEntries(query.entries()));
  const page = pageOf(query);
  const invoices = (await store.list(request.organization.id)).filter(
    (invoice) =>
      (!filters.external_customer_id || invoice.externalCustomerId === filters.external_customer_id) &&
      (!filters.status || invoice.status === filters.status) &&
      (!filters.payment_status || invoice.paymentStatus === filters.payment_status) &&
      (!filters.issuing_date_from || invoice.issuingDate >= filters.issuing_date_from) &&
      (!filters.issuing_date_to || invoice.issuingDate <= filters.issuing_date_to),
  );
  const { items, meta } = paginate(invoices, page);
  return ok({ invoices: items.map(serializeInvoice), meta });
}

export async function getInvoice(request: ApiRequest, store: InvoiceStore): Promise<HttpResponse> {
  const invoice = await store.get(request.organization.id, request.params.lago_id ?? "");
  if (!invoice) throw notFound("invoice");
  return ok({ invoice: serializeInvoice(invoice) });
}
