import type { Invoice, InvoiceFee } from "#shared/domain/invoice.js";
import type { Page } from "#shared/platform/http/pagination.js";
import { feesInListOrder } from "../store/invoice-list-index.js";
import type { InvoiceQueries } from "../store/invoice-queries.js";
import type { StoredInvoice } from "../store/invoice-store.js";
import { type FeeListFilters, selectFees } from "./fee-filters.js";

export interface ListedFee {
  readonly fee: InvoiceFee;
  readonly invoice: StoredInvoice;
}

/**
 * One page of the organization's fees passing `filters`, as Lago lists them: oldest first (a fee
 * is created with its invoice; an invoice's fees by id), fees of drafts and voided invoices
 * included, with how many pass in all.
 */
export async function listFees(
  queries: Pick<InvoiceQueries, "listFees">,
  organizationId: string,
  filters: FeeListFilters,
  page: Page,
): Promise<{ total: number; fees: ListedFee[] }> {
  const listed = await queries.listFees({
    organizationId,
    createdAtFrom: filters.created_at_from,
    createdAtTo: filters.created_at_to,
    select: (entry) => selectFees(filters, entry),
    offset: (page.page - 1) * page.perPage,
    limit: page.perPage,
  });
  const ordered = new Map<string, readonly InvoiceFee[]>();
  const feesOf = (invoice: Invoice) => {
    let fees = ordered.get(invoice.id);
    if (!fees) {
      fees = feesInListOrder(invoice.fees);
      ordered.set(invoice.id, fees);
    }
    return fees;
  };
  return {
    total: listed.total,
    fees: listed.items.flatMap(({ invoice, position }) => {
      const fee = feesOf(invoice)[position];
      return fee ? [{ fee, invoice }] : [];
    }),
  };
}
