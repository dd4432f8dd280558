import type { InvoiceQueries } from "../store/invoice-queries.js";
import { invoiceIdPrefixOf } from "./fee-ids.js";
import type { ListedFee } from "./list-fees.js";

/** The fee `id` of the organization with its invoice, found from the invoice part of its id. */
export async function getFee(
  queries: Pick<InvoiceQueries, "invoicesWithIdPrefix" | "standaloneFee">,
  organizationId: string,
  id: string,
): Promise<ListedFee | undefined> {
  const prefix = invoiceIdPrefixOf(id);
  if (!prefix) return undefined;
  for (const invoice of await queries.invoicesWithIdPrefix(organizationId, prefix)) {
    const fee = invoice.fees.find((candidate) => candidate.id === id.toLowerCase());
    if (fee) return { fee, invoice };
  }
  // A pay-in-advance charge that is not invoiceable makes fees of no invoice, kept by their id
  // (and found on the invoice that regroups them, if one has).
  const holder = await queries.standaloneFee(organizationId, id.toLowerCase());
  const fee = holder?.fees.find((candidate) => candidate.id === id.toLowerCase());
  return holder && fee ? { fee, invoice: holder } : undefined;
}
