/**
 * The filters of Lago's invoice lists (`GET /invoices`, `GET /customers/{id}/invoices`), parsed
 * from the query string, and the test of one invoice's list entry against those the indexes do
 * not key. Pure.
 *
 * As Lago: `status` or `statuses[]` (the first wins when both come), `payment_status` or
 * `payment_statuses[]`, `external_customer_id` or `customer_external_id`, `search_term` matching
 * the invoice number, a customer's name, first or last name, external id or email by
 * case-insensitive substring (and the invoice id when it is a UUID), `metadata[key]=value` (every
 * pair must match; an empty value asks for invoices without that key). Unlike Lago, a value it
 * would ignore, cast to a surprise or fail on (`statuses[]=paid`, `amount_from=abc`,
 * `payment_overdue=maybe`, `issuing_date_from=yesterday`) is a 422 naming the filter.
 */
import { z } from "zod";
import type { InvoiceMetadata, InvoiceStatus, PaymentStatus } from "../invoice.js";

export const LAGO_INVOICE_STATUSES = ["draft", "finalized", "voided", "failed", "pending"] as const;
export const LAGO_PAYMENT_STATUSES = ["pending", "succeeded", "failed"] as const;
export const LAGO_INVOICE_TYPES = [
  "subscription",
  "add_on",
  "credit",
  "one_off",
  "advance_charges",
  "progressive_billing",
] as const;

/** The statuses an invoice of this product can have today; the others are accepted, and list none. */
const STORED_STATUSES: readonly string[] = ["draft", "finalized", "voided"] satisfies InvoiceStatus[];

/** The query as the route reads it: each name once, `[]` names as lists, `metadata[k]` gathered. */
export interface RawInvoiceListQuery {
  readonly [name: string]: string | readonly string[] | Readonly<Record<string, string>> | undefined;
}

export interface InvoiceListFilters {
  /** Statuses to list (never empty); statuses no invoice has yet are left out (`statusesAsked`). */
  readonly statuses: readonly InvoiceStatus[];
  readonly paymentStatuses: readonly PaymentStatus[];
  readonly externalCustomerId?: string;
  readonly issuingDateFrom?: string;
  readonly issuingDateTo?: string;
  readonly currency?: string;
  readonly invoiceType?: (typeof LAGO_INVOICE_TYPES)[number];
  readonly amountFrom?: number;
  readonly amountTo?: number;
  readonly paymentOverdue?: boolean;
  readonly partiallyPaid?: boolean;
  readonly paymentDisputeLost?: boolean;
  readonly selfBilled?: boolean;
  readonly purchaseOrderNumber?: string;
  /** Trimmed; absent when empty. */
  readonly searchTerm?: string;
  readonly metadata?: Readonly<Record<string, string>>;
}

const invalid = { message: "value_is_invalid" };
const one = (values: readonly string[]) => z.enum(values as [string, ...string[]], invalid);
const list = (values: readonly string[]) => z.array(one(values));
const bool = z
  .enum(["true", "false", "1", "0"], invalid)
  .transform((value) => value === "true" || value === "1");
const amount = z
  .string()
  .regex(/^-?\d+(\.\d+)?$/, invalid)
  .transform(Number);
const isoDate = z.string().refine((value) => {
  if (!/^\d{4}-\d{2}-\d{2}$/.test(value)) return false;
  const date = new Date(`${value}T00:00:00Z`);
  return !Number.isNaN(date.getTime()) && date.toISOString().startsWith(value);
}, "invalid_date");
const CURRENCIES = new Set(Intl.supportedValuesOf("currency"));
const currency = z
  .string()
  .transform((value) => value.toUpperCase())
  .refine((value) => CURRENCIES.has(value), invalid);
const text = z.string().max(1000, { message: "value_is_too_long" });

const schema = z.object({
  status: one(LAGO_INVOICE_STATUSES).optional(),
  statuses: list(LAGO_INVOICE_STATUSES).optional(),
  payment_status: one(LAGO_PAYMENT_STATUSES).optional(),
  payment_statuses: list(LAGO_PAYMENT_STATUSES).optional(),
  external_customer_id: text.optional(),
  customer_external_id: text.optional(),
  issuing_date_from: isoDate.optional(),
  issuing_date_to: isoDate.optional(),
  currency: currency.optional(),
  invoice_type: one(LAGO_INVOICE_TYPES).optional(),
  amount_from: amount.optional(),
  amount_to: amount.optional(),
  payment_overdue: bool.optional(),
  partially_paid: bool.optional(),
  payment_dispute_lost: bool.optional(),
  self_billed: bool.optional(),
  purchase_order_number: text.optional(),
  search_term: text.optional(),
  metadata: z.record(z.string(), text).optional(),
});

/** Names a `[]` list arrives under in the query; Lago reads the singular name's filter for both. */
export const INVOICE_LIST_ARRAY_PARAMS = ["statuses", "payment_statuses"] as const;

/** Where a value of the query goes wrong, by Lago's filter name: `statuses[]=paid` names `status`. */
const FILTER_NAMES: Record<string, string> = { statuses: "status", payment_statuses: "payment_status" };

export type FilterParse =
  | { readonly success: true; readonly filters: InvoiceListFilters }
  | { readonly success: false; readonly issues: readonly z.core.$ZodIssue[] };

export function parseInvoiceListFilters(query: RawInvoiceListQuery): FilterParse {
  const parsed = schema.safeParse(query, { reportInput: true });
  if (!parsed.success) {
    // An item of a list is named by its filter alone, as Lago names it.
    const issues = parsed.error.issues.map((issue) => {
      const name = FILTER_NAMES[String(issue.path[0])];
      return name ? { ...issue, path: [name] } : issue;
    });
    return { success: false, issues };
  }
  const q = parsed.data;
  const asked = q.status ? [q.status] : q.statuses?.length ? q.statuses : LAGO_INVOICE_STATUSES;
  const paymentStatuses = q.payment_status
    ? [q.payment_status]
    : q.payment_statuses?.length
      ? q.payment_statuses
      : LAGO_PAYMENT_STATUSES;
  const searchTerm = q.search_term?.trim();
  const metadata = q.metadata && Object.keys(q.metadata).length > 0 ? q.metadata : undefined;
  const filters: InvoiceListFilters = {
    statuses: [...new Set(asked)].filter((status) => STORED_STATUSES.includes(status)) as InvoiceStatus[],
    paymentStatuses: [...new Set(paymentStatuses)] as PaymentStatus[],
    externalCustomerId: q.external_customer_id ?? q.customer_external_id,
    issuingDateFrom: q.issuing_date_from,
    issuingDateTo: q.issuing_date_to,
    currency: q.currency,
    invoiceType: q.invoice_type as InvoiceListFilters["invoiceType"],
    amountFrom: q.amount_from,
    amountTo: q.amount_to,
    paymentOverdue: q.payment_overdue,
    partiallyPaid: q.partially_paid,
    paymentDisputeLost: q.payment_dispute_lost,
    selfBilled: q.self_billed,
    purchaseOrderNumber: q.purchase_order_number || undefined,
    searchTerm: searchTerm || undefined,
    metadata,
  };
  return {
    success: true,
    filters: Object.fromEntries(
      Object.entries(filters).filter(([, value]) => value !== undefined),
    ) as unknown as InvoiceListFilters,
  };
}

/**
 * Filters no invoice of this product can pass: none is self billed, has lost a payment dispute or
 * carries a purchase order number yet, and the statuses asked may be ones none has (`failed`).
 */
export function matchesNothing(filters: InvoiceListFilters): boolean {
  return (
    filters.statuses.length === 0 ||
    filters.selfBilled === true ||
    filters.paymentDisputeLost === true ||
    filters.purchaseOrderNumber !== undefined
  );
}

/** What an invoice's list entry (the list indexes' projection) holds. */
export interface InvoiceListEntry {
  readonly id: string;
  readonly customerId: string;
  readonly number: string;
  readonly currency: string;
  readonly invoiceType: string;
  readonly totalAmountCents: number;
  readonly totalPaidAmountCents?: number;
  readonly paymentOverdue?: boolean;
  readonly metadata?: readonly Pick<InvoiceMetadata, "key" | "value">[];
}

/** Whether any filter must be tested on each entry (else the indexes' keys answer alone). */
export function needsEntryTest(filters: InvoiceListFilters): boolean {
  return (
    filters.currency !== undefined ||
    filters.invoiceType !== undefined ||
    filters.amountFrom !== undefined ||
    filters.amountTo !== undefined ||
    filters.paymentOverdue !== undefined ||
    filters.partiallyPaid !== undefined ||
    filters.searchTerm !== undefined ||
    filters.metadata !== undefined
  );
}

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** Whether a customer matches a search term as Lago's search does (case-insensitive substring). */
export function customerMatchesSearch(
  customer: {
    readonly name: string | null;
    readonly firstname: string | null;
    readonly lastname: string | null;
    readonly externalId: string;
    readonly email?: string | null;
  },
  term: string,
): boolean {
  const needle = term.toLowerCase();
  return [customer.name, customer.firstname, customer.lastname, customer.externalId, customer.email].some(
    (value) => typeof value === "string" && value.toLowerCase().includes(needle),
  );
}

/**
 * Whether an entry passes the filters the keys do not hold. `searchedCustomers`: ids of the
 * customers matching `searchTerm` (Lago searches customers only when no customer is filtered).
 */
export function entryMatches(
  filters: InvoiceListFilters,
  entry: InvoiceListEntry,
  searchedCustomers: ReadonlySet<string> = new Set(),
): boolean {
  const paid = entry.totalPaidAmountCents ?? 0;
  const total = entry.totalAmountCents;
  if (filters.currency !== undefined && entry.currency.toUpperCase() !== filters.currency) return false;
  if (filters.invoiceType !== undefined && entry.invoiceType !== filters.invoiceType) return false;
  if (filters.amountFrom !== undefined && total < filters.amountFrom) return false;
  if (filters.amountTo !== undefined && total > filters.amountTo) return false;
  if (filters.paymentOverdue !== undefined && (entry.paymentOverdue ?? false) !== filters.paymentOverdue)
    return false;
  if (filters.partiallyPaid !== undefined && (paid > 0 && paid < total) !== filters.partiallyPaid)
    return false;
  if (filters.searchTerm !== undefined) {
    const term = filters.searchTerm;
    const found =
      entry.number.toLowerCase().includes(term.toLowerCase()) ||
      (UUID.test(term) && entry.id.toLowerCase() === term.toLowerCase()) ||
      searchedCustomers.has(entry.customerId);
    if (!found) return false;
  }
  if (filters.metadata !== undefined) {
    const pairs = entry.metadata ?? [];
    for (const [key, value] of Object.entries(filters.metadata)) {
      const present = value === "" ? pairs.some((pair) => pair.key === key) : false;
      if (value === "" ? present : !pairs.some((pair) => pair.key === key && pair.value === value))
        return false;
    }
  }
  return true;
}
