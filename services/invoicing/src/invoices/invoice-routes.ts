import { z } from "zod";
import type { ApiRequest } from "#shared/platform/http/api-handler.js";
import { notFound } from "#shared/platform/http/errors.js";
import { pageOf, paginate } from "#shared/platform/http/pagination.js";
import { type HttpResponse, ok } from "#shared/platform/http/responses.js";
import { parseOrReject } from "#shared/platform/http/validation.js";
import { CatalogStore } from "#shared/store/catalog-store.js";
import { OrganizationStore } from "#shared/store/organization-store.js";
import type { InvoiceStore, StoredInvoice } from "../store/invoice-store.js";
import { type EmbedSources, invoiceEmbeds } from "./invoice-embeds.js";
import { serializeInvoice } from "./serialize.js";

/** What invoices embed is read from the catalog (read only) and the organization's settings. */
export interface CatalogReads {
  readonly catalog: EmbedSources["catalog"];
  readonly organizations: Pick<OrganizationStore, "get">;
}

let catalogReads: CatalogReads | undefined;
const defaultCatalogReads = (): CatalogReads => {
  catalogReads ??= { catalog: new CatalogStore(), organizations: new OrganizationStore() };
  return catalogReads;
};

/** Invoices as Lago shows them, each with its customer and subscription as they are now. */
async function present(request: ApiRequest, reads: CatalogReads, invoices: readonly StoredInvoice[]) {
  if (invoices.length === 0) return [];
  // The API key's organization may be a minute old; its settings (timezone, name) are read fresh.
  const organization = (await reads.organizations.get(request.organization.id)) ?? request.organization;
  const embeds = await invoiceEmbeds({ catalog: reads.catalog, organization }, invoices, request.receivedAt);
  return invoices.map((invoice) => serializeInvoice(invoice, embeds.get(invoice.id)));
}

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
export async function listInvoices(
  request: ApiRequest,
  store: InvoiceStore,
  reads: CatalogReads = defaultCatalogReads(),
): Promise<HttpResponse> {
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
  return ok({ invoices: await present(request, reads, items), meta });
}

export async function getInvoice(
  request: ApiRequest,
  store: InvoiceStore,
  reads: CatalogReads = defaultCatalogReads(),
): Promise<HttpResponse> {
  const invoice = await store.get(request.organization.id, request.params.lago_id ?? "");
  if (!invoice) throw notFound("invoice");
  const [shown] = await present(request, reads, [invoice]);
  return ok({ invoice: shown });
}
