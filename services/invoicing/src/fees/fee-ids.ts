/**
 * A fee's id names its invoice: its first 20 hex digits (the text up to the fourth dash) are its
 * invoice's, the last 12 are derived from what the fee prices. So `GET /fees/{lago_id}` finds the
 * invoice holding a fee with one query of the invoice's own key prefix, without a fee index, and
 * a fee made twice (a redelivered job, a refresh) keeps its id. 80 bits of an invoice id are
 * ample to tell an organization's invoices apart; should two ever share them, the query returns
 * both and the fee is looked for in each.
 *
 * Fees of invoices made before this scheme have ids derived from their parts only: they are
 * listed, but `GET /fees/{lago_id}` does not find them (docs/invoice-lists.md).
 */
import { stableUuid } from "#shared/platform/ids.js";

/** `xxxxxxxx-xxxx-xxxx-xxxx-`: the part of a UUID a fee's id shares with its invoice's. */
const INVOICE_PART = 24;

export function feeId(invoiceId: string, ...parts: readonly string[]): string {
  return `${invoiceId.slice(0, INVOICE_PART)}${stableUuid(invoiceId, ...parts).slice(INVOICE_PART)}`;
}

/** The prefix of the id of the invoice holding fee `id`, or undefined if it is no UUID. */
export function invoiceIdPrefixOf(id: string): string | undefined {
  return /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i.test(id)
    ? id.slice(0, INVOICE_PART).toLowerCase()
    : undefined;
}
