/**
 * Where an invoice sits in the list indexes (`GET /invoices`, `/customers/{id}/invoices`, `/fees`),
 * computed from the invoice alone: every write of an invoice (its creation, a refresh, a
 * finalization, a void, a payment) sets these attributes from the invoice it writes, so the
 * indexes never disagree with the invoice. Pure: no AWS SDK, no clock.
 *
 * - `listPk`: the organization's invoices of one (status, payment status);
 * - `customerListPk`: the same, for one customer (by external id);
 * - `listSk`: newest issuing date first when read backwards, then newest creation, then id
 *   ascending (Lago's order): the id's hex digits are inverted so that a backwards read ascends;
 * - `feeListPk`/`feeListSk`: every invoice with its fees, oldest creation first (Lago's fee order), with
 *   `feeKeys` (each fee's type and metric code, in the invoice's fee order) so a fee list can
 *   count and skip an invoice's fees without reading the invoice.
 *
 * docs/invoice-lists.md has the cost model.
 */
import type { Invoice } from "#shared/domain/invoice.js";
import { joinKey } from "#shared/store/keys.js";

/** The list index attributes an invoice item carries (not the invoice's own data). */
export const LIST_INDEX_ATTRIBUTES = [
  "listPk",
  "customerListPk",
  "listSk",
  "feeListPk",
  "feeListSk",
  "feeKeys",
] as const;

export type ListIndexAttributes = {
  readonly listPk: string;
  readonly customerListPk: string;
  readonly listSk: string;
  /** Set even for an invoice without fees (none to list), so a refresh never leaves one stale. */
  readonly feeListPk: string;
  readonly feeListSk: string;
  readonly feeKeys: readonly string[];
};

type Indexed = Pick<
  Invoice,
  | "id"
  | "organizationId"
  | "externalCustomerId"
  | "status"
  | "paymentStatus"
  | "issuingDate"
  | "createdAt"
  | "fees"
>;

/** Each hex digit replaced by its complement (0↔f): the order of ids reversed, others kept. */
export function invertedHex(id: string): string {
  return id.replace(/[0-9a-f]/g, (digit) => (15 - Number.parseInt(digit, 16)).toString(16));
}

export const invoiceListPartition = (organizationId: string, status: string, paymentStatus: string) =>
  joinKey(organizationId, "invoices", status, paymentStatus);

export const customerListPartition = (
  organizationId: string,
  externalCustomerId: string,
  status: string,
  paymentStatus: string,
) => joinKey(organizationId, "customer-invoices", externalCustomerId, status, paymentStatus);

export const feeListPartition = (organizationId: string) => joinKey(organizationId, "fees");

/**
 * A fee's key in `feeKeys`: its type and its billable metric's code (empty for none), and for a
 * pay-in-advance fee the transaction id of its event, as `v2|type|metric|transaction` with the
 * free-text parts in base64url (a code may hold a `|`). Keys written before keep `type|metric`.
 */
export const feeKey = (
  fee: Pick<Invoice["fees"][number], "feeType" | "billableMetricCode" | "eventTransactionId">,
) =>
  fee.eventTransactionId
    ? ["v2", fee.feeType, base64url(fee.billableMetricCode ?? ""), base64url(fee.eventTransactionId)].join(
        "|",
      )
    : `${fee.feeType}|${fee.billableMetricCode ?? ""}`;

const base64url = (text: string) => Buffer.from(text, "utf8").toString("base64url");

/** What a `feeKeys` entry tells of its fee, in either form. */
export function readFeeKey(key: string): { type: string; metric: string; transactionId: string | null } {
  if (key.startsWith("v2|")) {
    const [, type = "", metric = "", transactionId = ""] = key.split("|");
    const text = (part: string) => Buffer.from(part, "base64url").toString("utf8");
    return { type, metric: text(metric), transactionId: text(transactionId) || null };
  }
  const separator = key.indexOf("|");
  return { type: key.slice(0, separator), metric: key.slice(separator + 1), transactionId: null };
}

/** An invoice's fees in Lago's list order (they share their creation time: by id). */
export function feesInListOrder<T extends { readonly id: string }>(fees: readonly T[]): T[] {
  return [...fees].sort((a, b) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));
}

/** The bounds of `listSk` for issuing dates from `from` to `to` (both included, either open). */
export function listSortRange(from: string | undefined, to: string | undefined) {
  return { from, to: to === undefined ? undefined : `${to}#\uffff` };
}

export function listIndexAttributes(invoice: Indexed): ListIndexAttributes {
  const { organizationId, status, paymentStatus } = invoice;
  return {
    listPk: invoiceListPartition(organizationId, status, paymentStatus),
    customerListPk: customerListPartition(organizationId, invoice.externalCustomerId, status, paymentStatus),
    listSk: `${invoice.issuingDate}#${invoice.createdAt}#${invertedHex(invoice.id)}`,
    feeListPk: feeListPartition(organizationId),
    feeListSk: `${invoice.createdAt}#${invoice.id}`,
    feeKeys: feesInListOrder(invoice.fees).map(feeKey),
  };
}
