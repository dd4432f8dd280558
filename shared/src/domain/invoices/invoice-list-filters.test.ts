import { describe, expect, it } from "vitest";
import {
  customerMatchesSearch,
  entryMatches,
  type InvoiceListEntry,
  type InvoiceListFilters,
  matchesNothing,
  needsEntryTest,
  parseInvoiceListFilters,
} from "./invoice-list-filters.js";

function parsed(query: Record<string, string | string[] | Record<string, string>>): InvoiceListFilters {
  const result = parseInvoiceListFilters(query);
  if (!result.success) throw new Error(JSON.stringify(result.issues));
  return result.filters;
}

/** The fields and codes a refused query names. */
function refused(query: Record<string, string | string[] | Record<string, string>>) {
  const result = parseInvoiceListFilters(query);
  if (result.success) throw new Error("accepted");
  return result.issues.map((issue) => [issue.path.join("."), issue.message]);
}

const entry: InvoiceListEntry = {
  id: "0a1b2c3d-0000-8000-8000-00000000000f",
  customerId: "cus-1",
  number: "ACM-001-007",
  currency: "EUR",
  invoiceType: "subscription",
  totalAmountCents: 10_000,
};

describe("parseInvoiceListFilters", () => {
  it("lists every status and payment status by default, the stored statuses only", () => {
    const filters = parsed({});
    expect(filters.statuses).toEqual(["draft", "finalized", "voided"]);
    expect(filters.paymentStatuses).toEqual(["pending", "succeeded", "failed"]);
    expect(needsEntryTest(filters)).toBe(false);
    expect(matchesNothing(filters)).toBe(false);
  });

  it("reads status and statuses[], payment_status and payment_statuses[]; the singular wins", () => {
    expect(parsed({ statuses: ["draft", "voided", "draft"] }).statuses).toEqual(["draft", "voided"]);
    expect(parsed({ status: "finalized", statuses: ["draft"] }).statuses).toEqual(["finalized"]);
    expect(parsed({ payment_statuses: ["failed", "succeeded"] }).paymentStatuses).toEqual([
      "failed",
      "succeeded",
    ]);
    expect(parsed({ payment_status: "pending" }).paymentStatuses).toEqual(["pending"]);
  });

  it("accepts Lago's statuses no invoice has yet, which list nothing", () => {
    const filters = parsed({ statuses: ["failed", "pending"] });
    expect(filters.statuses).toEqual([]);
    expect(matchesNothing(filters)).toBe(true);
  });

  it("refuses unknown values, naming Lago's filter", () => {
    expect(refused({ statuses: ["paid"] })).toEqual([["status", "value_is_invalid"]]);
    expect(refused({ status: "paid" })).toEqual([["status", "value_is_invalid"]]);
    expect(refused({ payment_statuses: ["refunded"] })).toEqual([["payment_status", "value_is_invalid"]]);
    expect(refused({ invoice_type: "usage" })).toEqual([["invoice_type", "value_is_invalid"]]);
    expect(refused({ amount_from: "abc" })).toEqual([["amount_from", "value_is_invalid"]]);
    expect(refused({ amount_to: "1e3" })).toEqual([["amount_to", "value_is_invalid"]]);
    expect(refused({ payment_overdue: "maybe" })).toEqual([["payment_overdue", "value_is_invalid"]]);
    expect(refused({ partially_paid: "yes" })).toEqual([["partially_paid", "value_is_invalid"]]);
    expect(refused({ self_billed: "no" })).toEqual([["self_billed", "value_is_invalid"]]);
    expect(refused({ payment_dispute_lost: "" })).toEqual([["payment_dispute_lost", "value_is_invalid"]]);
    expect(refused({ currency: "EURO" })).toEqual([["currency", "value_is_invalid"]]);
    expect(refused({ issuing_date_from: "yesterday" })).toEqual([["issuing_date_from", "invalid_date"]]);
    expect(refused({ issuing_date_to: "2026-02-30" })).toEqual([["issuing_date_to", "invalid_date"]]);
  });

  it("reads booleans, amounts, dates, currencies, the customer under both names, the search trimmed", () => {
    const filters = parsed({
      payment_overdue: "true",
      partially_paid: "0",
      amount_from: "9000",
      amount_to: "100000.5",
      issuing_date_from: "2026-02-28",
      currency: "eur",
      customer_external_id: "acme",
      search_term: "  Jane ",
    });
    expect(filters).toMatchObject({
      paymentOverdue: true,
      partiallyPaid: false,
      amountFrom: 9000,
      amountTo: 100000.5,
      issuingDateFrom: "2026-02-28",
      currency: "EUR",
      externalCustomerId: "acme",
      searchTerm: "Jane",
    });
    expect(parsed({ external_customer_id: "a", customer_external_id: "b" }).externalCustomerId).toBe("a");
    expect(parsed({ search_term: "   " }).searchTerm).toBeUndefined();
    expect(needsEntryTest(filters)).toBe(true);
  });

  it("lists nothing for what no invoice has yet: self billed, a lost dispute, a purchase order number", () => {
    expect(matchesNothing(parsed({ self_billed: "true" }))).toBe(true);
    expect(matchesNothing(parsed({ self_billed: "false" }))).toBe(false);
    expect(matchesNothing(parsed({ payment_dispute_lost: "true" }))).toBe(true);
    expect(matchesNothing(parsed({ purchase_order_number: "PO-1" }))).toBe(true);
  });
});

describe("entryMatches", () => {
  const matches = (
    query: Record<string, string | Record<string, string>>,
    tested = entry,
    customers?: Set<string>,
  ) => entryMatches(parsed(query), tested, customers);

  it("tests currency, type and the total's bounds (both included)", () => {
    expect(matches({ currency: "eur" })).toBe(true);
    expect(matches({ currency: "USD" })).toBe(false);
    expect(matches({ invoice_type: "subscription" })).toBe(true);
    expect(matches({ invoice_type: "one_off" })).toBe(false);
    expect(matches({ amount_from: "10000", amount_to: "10000" })).toBe(true);
    expect(matches({ amount_from: "10001" })).toBe(false);
    expect(matches({ amount_to: "9999" })).toBe(false);
  });

  it("tests overdue and partially paid (paid above zero and below the total), absent fields as none", () => {
    expect(matches({ payment_overdue: "false" })).toBe(true);
    expect(matches({ payment_overdue: "true" })).toBe(false);
    expect(matches({ payment_overdue: "true" }, { ...entry, paymentOverdue: true })).toBe(true);
    expect(matches({ partially_paid: "false" })).toBe(true);
    expect(matches({ partially_paid: "true" }, { ...entry, totalPaidAmountCents: 1 })).toBe(true);
    expect(matches({ partially_paid: "true" }, { ...entry, totalPaidAmountCents: 10_000 })).toBe(false);
    expect(matches({ partially_paid: "false" }, { ...entry, totalPaidAmountCents: 10_000 })).toBe(true);
    expect(matches({ partially_paid: "false" }, { ...entry, totalPaidAmountCents: 5 })).toBe(false);
  });

  it("searches the number by case-insensitive substring, the id when it is a UUID, and matched customers", () => {
    expect(matches({ search_term: "acm-001" })).toBe(true);
    expect(matches({ search_term: "002" })).toBe(false);
    expect(matches({ search_term: entry.id.toUpperCase() })).toBe(true);
    expect(matches({ search_term: "jane" }, entry, new Set(["cus-1"]))).toBe(true);
    expect(matches({ search_term: "jane" }, entry, new Set(["cus-2"]))).toBe(false);
  });

  it("needs every metadata pair; an empty value asks for invoices without the key", () => {
    const tagged = {
      ...entry,
      metadata: [
        { key: "color", value: "blue" },
        { key: "size", value: "L" },
      ],
    };
    expect(matches({ metadata: { color: "blue" } }, tagged)).toBe(true);
    expect(matches({ metadata: { color: "blue", size: "L" } }, tagged)).toBe(true);
    expect(matches({ metadata: { color: "blue", size: "M" } }, tagged)).toBe(false);
    expect(matches({ metadata: { color: "Blue" } }, tagged)).toBe(false);
    expect(matches({ metadata: { shape: "" } }, tagged)).toBe(true);
    expect(matches({ metadata: { color: "" } }, tagged)).toBe(false);
    expect(matches({ metadata: { color: "blue" } }, entry)).toBe(false);
  });
});

describe("customerMatchesSearch", () => {
  const customer = {
    name: "Acme Corp",
    firstname: "Jane",
    lastname: "Doe",
    externalId: "cus_42",
    email: "jane@acme.io",
  };
  it("matches name, first and last name, external id and email by case-insensitive substring", () => {
    for (const term of ["acme corp", "JANE", "doe", "CUS_4", "@acme.IO"])
      expect(customerMatchesSearch(customer, term)).toBe(true);
    expect(customerMatchesSearch(customer, "globex")).toBe(false);
    expect(customerMatchesSearch({ ...customer, name: null, email: null }, "corp")).toBe(false);
  });
});
