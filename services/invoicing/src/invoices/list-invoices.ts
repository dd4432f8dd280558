import type { Customer } from "#shared/domain/catalog.js";
import {
  customerMatchesSearch,
  entryMatches,
  type InvoiceListFilters,
  matchesNothing,
  needsEntryTest,
} from "#shared/domain/invoices/invoice-list-filters.js";
import type { Page } from "#shared/platform/http/pagination.js";
import type { InvoiceQueries, ListPage } from "../store/invoice-queries.js";
import type { StoredInvoice } from "../store/invoice-store.js";

export interface ListInvoicesDeps {
  readonly queries: Pick<InvoiceQueries, "listInvoices">;
  /** The catalog's customers (read only), for a search by customer name, email or external id. */
  readonly catalog: { listCustomers(organizationId: string): Promise<Customer[]> };
}

/**
 * One page of the organization's invoices (or one customer's) passing `filters`, newest issuing
 * date first, with how many pass in all. A search term also names the customers it matches, as
 * Lago's does when no customer is filtered: that reads the organization's customers from the
 * catalog (docs/invoice-lists.md).
 */
export async function listInvoices(
  deps: ListInvoicesDeps,
  organizationId: string,
  filters: InvoiceListFilters,
  page: Page,
): Promise<ListPage<StoredInvoice>> {
  if (matchesNothing(filters)) return { total: 0, items: [] };
  let searchedCustomers = new Set<string>();
  const term = filters.searchTerm;
  if (term !== undefined && filters.externalCustomerId === undefined) {
    const customers = await deps.catalog.listCustomers(organizationId);
    searchedCustomers = new Set(
      customers.filter((customer) => customerMatchesSearch(customer, term)).map((customer) => customer.id),
    );
  }
  return deps.queries.listInvoices({
    organizationId,
    externalCustomerId: filters.externalCustomerId,
    statuses: filters.statuses,
    paymentStatuses: filters.paymentStatuses,
    issuingDateFrom: filters.issuingDateFrom,
    issuingDateTo: filters.issuingDateTo,
    test: needsEntryTest(filters) ? (entry) => entryMatches(filters, entry, searchedCustomers) : undefined,
    offset: (page.page - 1) * page.perPage,
    limit: page.perPage,
  });
}
