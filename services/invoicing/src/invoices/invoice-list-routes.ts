/** `GET /invoices` and `GET /customers/{external_customer_id}/invoices`: parse, list, map. */
import type { Customer } from "#shared/domain/catalog.js";
import {
  INVOICE_LIST_ARRAY_PARAMS,
  parseInvoiceListFilters,
  type RawInvoiceListQuery,
} from "#shared/domain/invoices/invoice-list-filters.js";
import type { ApiRequest } from "#shared/platform/http/api-handler.js";
import { notFound, validationFailed } from "#shared/platform/http/errors.js";
import { pageOf, paginationMeta } from "#shared/platform/http/pagination.js";
import { type HttpResponse, ok } from "#shared/platform/http/responses.js";
import { toErrorDetails } from "#shared/platform/http/validation.js";
import { billingEntityCode } from "#shared/serializers/billing-entity.js";
import { CatalogStore } from "#shared/store/catalog-store.js";
import { OrganizationStore } from "#shared/store/organization-store.js";
import type { InvoiceQueries } from "../store/invoice-queries.js";
import type { StoredInvoice } from "../store/invoice-store.js";
import { type EmbedSources, invoiceEmbeds } from "./invoice-embeds.js";
import { listInvoices } from "./list-invoices.js";
import { serializeInvoice } from "./serialize.js";

/** What lists read besides invoices: the catalog (read only) and the organization's settings. */
export interface ListReads {
  readonly catalog: EmbedSources["catalog"] &
    Pick<CatalogStore, "getCustomer"> & { listCustomers(organizationId: string): Promise<Customer[]> };
  readonly organizations: Pick<OrganizationStore, "get">;
}

let reads: ListReads | undefined;
const defaultReads = (): ListReads => {
  reads ??= { catalog: new CatalogStore(), organizations: new OrganizationStore() };
  return reads;
};

/** Singular names whose `[]` form is their list's (`status[]` as `statuses[]`). */
const LIST_OF: Record<string, string> = { status: "statuses", payment_status: "payment_statuses" };

/**
 * The query as the filters read it: `name[]` values gathered in a list (a list name given
 * without `[]` too), `metadata[key]` in one record, any other name's first value.
 */
export function rawListQuery(query: URLSearchParams): RawInvoiceListQuery {
  const raw: Record<string, string | string[] | Record<string, string>> = {};
  const metadata: Record<string, string> = {};
  const lists = new Set<string>(INVOICE_LIST_ARRAY_PARAMS);
  for (const [key, value] of query.entries()) {
    const meta = /^metadata\[(.+)\]$/.exec(key);
    if (meta?.[1] !== undefined) {
      metadata[meta[1]] ??= value;
      continue;
    }
    const base = key.endsWith("[]") ? key.slice(0, -2) : key;
    const name = key.endsWith("[]") ? (LIST_OF[base] ?? base) : base;
    if (key.endsWith("[]") || lists.has(name)) {
      const values = raw[name];
      raw[name] = Array.isArray(values) ? [...values, value] : [value];
    } else if (raw[name] === undefined) raw[name] = value;
  }
  if (Object.keys(metadata).length > 0) raw.metadata = metadata;
  return raw;
}

async function present(request: ApiRequest, sources: ListReads, invoices: readonly StoredInvoice[]) {
  if (invoices.length === 0) return [];
  const organization = (await sources.organizations.get(request.organization.id)) ?? request.organization;
  const embeds = await invoiceEmbeds(
    { catalog: sources.catalog, organization },
    invoices,
    request.receivedAt,
  );
  return invoices.map((invoice) => serializeInvoice(invoice, embeds.get(invoice.id)));
}

async function answerList(
  request: ApiRequest,
  queries: Pick<InvoiceQueries, "listInvoices">,
  sources: ListReads,
  externalCustomerId: string | undefined,
): Promise<HttpResponse> {
  const parsed = parseInvoiceListFilters(rawListQuery(request.query));
  if (!parsed.success) throw validationFailed(toErrorDetails(parsed.issues));
  const page = pageOf(request.query);
  // Each organization is its one billing entity: any other code is Lago's 404, else no filter.
  const codes = request.query.getAll("billing_entity_codes[]");
  if (codes.length > 0) {
    const organization = (await sources.organizations.get(request.organization.id)) ?? request.organization;
    if (codes.some((code) => code !== billingEntityCode(organization))) throw notFound("billing_entity");
  }
  const filters =
    externalCustomerId === undefined ? parsed.filters : { ...parsed.filters, externalCustomerId };
  const listed = await listInvoices(
    { queries, catalog: sources.catalog },
    request.organization.id,
    filters,
    page,
  );
  return ok({
    invoices: await present(request, sources, listed.items),
    meta: paginationMeta(listed.total, page),
  });
}

/** GET /invoices: newest issuing date first, with Lago's filters and pagination. */
export function listInvoicesRoute(
  request: ApiRequest,
  queries: Pick<InvoiceQueries, "listInvoices">,
  sources: ListReads = defaultReads(),
): Promise<HttpResponse> {
  return answerList(request, queries, sources, undefined);
}

/** GET /customers/{external_customer_id}/invoices: the customer's, or 404 `customer_not_found`. */
export async function listCustomerInvoicesRoute(
  request: ApiRequest,
  queries: Pick<InvoiceQueries, "listInvoices">,
  sources: ListReads = defaultReads(),
): Promise<HttpResponse> {
  const externalId = request.params.external_customer_id ?? "";
  const customer = await sources.catalog.getCustomer(request.organization.id, externalId);
  if (!customer) throw notFound("customer");
  return answerList(request, queries, sources, customer.externalId);
}
