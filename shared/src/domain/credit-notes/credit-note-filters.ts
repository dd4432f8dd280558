/**
 * The filters of Lago's credit note lists (`GET /credit_notes`, `GET /customers/{id}/credit_notes`),
 * parsed from the query string, and the test of one credit note against them. Pure.
 *
 * As Lago's `CreditNotesQuery`: `reason`, `credit_status` and `refund_status` (one value or a
 * `[]` list), `invoice_number` (exact), `currency`, `issuing_date_from`/`_to` (ISO dates, inclusive),
 * `amount_from`/`_to` (on the total), `external_customer_id`, `search_term` matching the note's
 * number or id, or its customer's name, first or last name, external id or email (case-insensitive
 * substring). Unlike Lago, which skips a value it does not know, such a value is a 422 naming the
 * filter, as the invoice lists answer it.
 */
import { z } from "zod";
import { CREDIT_NOTE_REASONS, type CreditNote } from "./credit-note.js";

export interface CreditNoteListFilters {
  readonly reasons?: readonly string[];
  readonly creditStatuses?: readonly string[];
  readonly refundStatuses?: readonly string[];
  readonly invoiceNumber?: string;
  readonly currency?: string;
  readonly issuingDateFrom?: string;
  readonly issuingDateTo?: string;
  readonly amountFrom?: number;
  readonly amountTo?: number;
  readonly externalCustomerId?: string;
  readonly searchTerm?: string;
}

const invalid = { message: "value_is_invalid" };
const oneOrMany = (values: readonly string[]) =>
  z.array(z.enum(values as [string, ...string[]], invalid)).optional();
const isoDate = z.string().refine((value) => {
  if (!/^\d{4}-\d{2}-\d{2}$/.test(value)) return false;
  const date = new Date(`${value}T00:00:00Z`);
  return !Number.isNaN(date.getTime()) && date.toISOString().startsWith(value);
}, "invalid_date");
const amount = z
  .string()
  .regex(/^-?\d+$/, invalid)
  .transform(Number);
const text = z.string().max(1000, { message: "value_is_too_long" });

const schema = z.object({
  reason: oneOrMany(CREDIT_NOTE_REASONS),
  credit_status: oneOrMany(["available", "consumed", "voided"]),
  refund_status: oneOrMany(["pending", "succeeded", "failed"]),
  invoice_number: text.optional(),
  currency: text.transform((value) => value.toUpperCase()).optional(),
  issuing_date_from: isoDate.optional(),
  issuing_date_to: isoDate.optional(),
  amount_from: amount.optional(),
  amount_to: amount.optional(),
  external_customer_id: text.optional(),
  search_term: text.optional(),
});

const LISTS = new Set(["reason", "credit_status", "refund_status"]);

export type CreditNoteFilterParse =
  | { readonly success: true; readonly filters: CreditNoteListFilters }
  | { readonly success: false; readonly issues: readonly z.core.$ZodIssue[] };

/** Reads the query: `name[]` and repeated list names gathered, any other name's first value. */
export function parseCreditNoteListFilters(
  query: Iterable<readonly [string, string]>,
): CreditNoteFilterParse {
  const raw: Record<string, string | string[]> = {};
  for (const [key, value] of query) {
    const name = key.endsWith("[]") ? key.slice(0, -2) : key;
    if (LISTS.has(name)) {
      const values = raw[name];
      raw[name] = Array.isArray(values) ? [...values, value] : [value];
    } else if (raw[name] === undefined) raw[name] = value;
  }
  const parsed = schema.safeParse(raw, { reportInput: true });
  // An item of a list is named by its filter alone, as Lago names it.
  if (!parsed.success)
    return {
      success: false,
      issues: parsed.error.issues.map((issue) => ({ ...issue, path: issue.path.slice(0, 1) })),
    };
  const q = parsed.data;
  const filters: CreditNoteListFilters = {
    reasons: q.reason,
    creditStatuses: q.credit_status,
    refundStatuses: q.refund_status,
    invoiceNumber: q.invoice_number || undefined,
    currency: q.currency || undefined,
    issuingDateFrom: q.issuing_date_from,
    issuingDateTo: q.issuing_date_to,
    amountFrom: q.amount_from,
    amountTo: q.amount_to,
    externalCustomerId: q.external_customer_id || undefined,
    searchTerm: q.search_term?.trim() || undefined,
  };
  return {
    success: true,
    filters: Object.fromEntries(
      Object.entries(filters).filter(([, value]) => value !== undefined),
    ) as CreditNoteListFilters,
  };
}

/** What a search term is matched against of a note's customer. */
export interface SearchedCustomer {
  readonly name: string | null;
  readonly firstname: string | null;
  readonly lastname: string | null;
  readonly externalId: string;
  readonly email: string | null;
}

const matchesText = (value: string | null, needle: string) =>
  typeof value === "string" && value.toLowerCase().includes(needle);

/** Whether a note passes the filters; `customer` is its customer, for the search term. */
export function creditNoteMatches(
  filters: CreditNoteListFilters,
  note: CreditNote,
  customer: SearchedCustomer | undefined,
): boolean {
  if (filters.reasons && !filters.reasons.includes(note.reason)) return false;
  if (
    filters.creditStatuses &&
    (note.creditStatus === null || !filters.creditStatuses.includes(note.creditStatus))
  )
    return false;
  if (
    filters.refundStatuses &&
    (note.refundStatus === null || !filters.refundStatuses.includes(note.refundStatus))
  )
    return false;
  if (filters.invoiceNumber !== undefined && note.invoiceNumber !== filters.invoiceNumber) return false;
  if (filters.currency !== undefined && note.currency.toUpperCase() !== filters.currency) return false;
  if (filters.issuingDateFrom !== undefined && note.issuingDate < filters.issuingDateFrom) return false;
  if (filters.issuingDateTo !== undefined && note.issuingDate > filters.issuingDateTo) return false;
  if (filters.amountFrom !== undefined && note.totalAmountCents < filters.amountFrom) return false;
  if (filters.amountTo !== undefined && note.totalAmountCents > filters.amountTo) return false;
  if (filters.externalCustomerId !== undefined && note.externalCustomerId !== filters.externalCustomerId)
    return false;
  if (filters.searchTerm !== undefined) {
    const needle = filters.searchTerm.toLowerCase();
    const found =
      matchesText(note.number, needle) ||
      matchesText(note.id, needle) ||
      (customer !== undefined &&
        [customer.name, customer.firstname, customer.lastname, customer.externalId, customer.email].some(
          (value) => matchesText(value, needle),
        ));
    if (!found) return false;
  }
  return true;
}

/** Lago's order: newest first, then by id. */
export const newestCreditNotesFirst = (a: CreditNote, b: CreditNote): number =>
  b.createdAt.localeCompare(a.createdAt) || a.id.localeCompare(b.id);
