import { describe, expect, it } from "vitest";
import type { InvoiceFee } from "#shared/domain/invoice.js";
import { draftInvoice } from "#shared/domain/invoices/test-invoice.js";
import {
  feeKey,
  feesInListOrder,
  invertedHex,
  listIndexAttributes,
  listSortRange,
} from "./invoice-list-index.js";

const fee = (id: string, feeType: InvoiceFee["feeType"], billableMetricCode: string | null) =>
  ({ id, feeType, billableMetricCode }) as InvoiceFee;

describe("listIndexAttributes", () => {
  const invoice = {
    ...draftInvoice,
    id: "0a1b2c3d-0000-8000-8000-00000000000f",
    fees: [fee("b", "charge", "api_calls"), fee("a", "subscription", null)],
  };

  it("puts an invoice in its organization's and its customer's partitions of its status and payment status", () => {
    const attributes = listIndexAttributes(invoice);
    expect(attributes.listPk).toBe("org-1#invoices#draft#pending");
    expect(attributes.customerListPk).toBe("org-1#customer-invoices#acme#draft#pending");
    expect(listIndexAttributes({ ...invoice, status: "finalized", paymentStatus: "succeeded" }).listPk).toBe(
      "org-1#invoices#finalized#succeeded",
    );
  });

  it("escapes a # in the external customer id, so no customer's partition names another's", () => {
    expect(listIndexAttributes({ ...invoice, externalCustomerId: "a#b" }).customerListPk).toBe(
      "org-1#customer-invoices#a%23b#draft#pending",
    );
  });

  it("sorts by issuing date, then creation, then the id inverted (a backwards read ascends by id)", () => {
    expect(listIndexAttributes(invoice).listSk).toBe(
      "2026-08-04#2026-08-01T07:10:00.000Z#f5e4d3c2-ffff-7fff-7fff-fffffffffff0",
    );
    const later = listIndexAttributes({ ...invoice, issuingDate: "2026-09-04" }).listSk;
    expect(later > listIndexAttributes(invoice).listSk).toBe(true);
    const [small, large] = ["00", "ff"].map((prefix) =>
      listIndexAttributes({ ...invoice, id: `${prefix}${invoice.id.slice(2)}` }),
    );
    expect((small?.listSk ?? "") > (large?.listSk ?? "")).toBe(true);
  });

  it("lists fees oldest invoice first, each invoice's fees by id with their type and metric", () => {
    const attributes = listIndexAttributes(invoice);
    expect(attributes.feeListPk).toBe("org-1#fees");
    expect(attributes.feeListSk).toBe(`2026-08-01T07:10:00.000Z#${invoice.id}`);
    expect(attributes.feeKeys).toEqual(["subscription|", "charge|api_calls"]);
    expect(listIndexAttributes({ ...invoice, fees: [] }).feeKeys).toEqual([]);
  });

  it("inverts hex digits only, and orders fees by id", () => {
    expect(invertedHex("09af-x")).toBe("f650-x");
    expect(feesInListOrder([fee("c", "charge", "m"), fee("a", "charge", "m")]).map((f) => f.id)).toEqual([
      "a",
      "c",
    ]);
    expect(feeKey(fee("a", "charge", null))).toBe("charge|");
  });

  it("bounds an issuing date range so that the last day's invoices are in it", () => {
    const range = listSortRange("2026-08-01", "2026-08-04");
    const sk = listIndexAttributes(invoice).listSk;
    expect(sk >= (range.from ?? "") && sk <= (range.to ?? "")).toBe(true);
    expect(listSortRange(undefined, undefined)).toEqual({ from: undefined, to: undefined });
  });
});
