import { describe, expect, it } from "vitest";
import type { Invoice, InvoiceFee } from "../invoice.js";
import { hasCreditNoteKey, withCreditNote, withCreditNoteKey } from "./invoice-credit-state.js";
import { issueCreditNote } from "./issue-credit-note.js";
import {
  isOnTerminationCreditNote,
  terminationChoice,
  terminationCreditNoteRequest,
} from "./termination-credit-note.js";

// Lago's February case: 5000 a month in advance, 20 % tax, from 8 February 2023, terminated that
// day: the invoice billed 21/28 (3750 + 750), the unused 20 days are 3571.43 before taxes.
const baseFee: InvoiceFee = {
  id: "fee-base",
  feeType: "subscription",
  chargeId: null,
  chargeFilterId: null,
  groupedBy: null,
  billableMetricCode: null,
  itemCode: "pro",
  itemName: "Pro",
  invoiceDisplayName: null,
  units: "1",
  eventsCount: 0,
  amountCents: 3_750,
  preciseAmountCents: "3750",
  taxCodes: ["vat_20"],
  taxesAmountCents: 750,
  taxesRate: "20",
  preciseUnitAmount: "37.5",
  fromDatetime: "2023-02-08T00:00:00.000Z",
  toDatetime: "2023-02-28T23:59:59.999Z",
};

const invoice: Invoice = {
  id: "inv-1",
  organizationId: "org-1",
  customerId: "cus-1",
  externalCustomerId: "cus_1",
  subscriptionId: "sub-1",
  externalSubscriptionId: "sub_1",
  invoiceType: "subscription",
  status: "finalized",
  paymentStatus: "pending",
  sequentialId: 1,
  number: "ORG-001-001",
  issuingDate: "2023-02-08",
  paymentDueDate: "2023-02-08",
  netPaymentTermDays: 0,
  currency: "EUR",
  timezone: "UTC",
  periodStartsAt: "2023-02-08T00:00:00.000Z",
  periodEndsAt: "2023-03-01T00:00:00.000Z",
  fees: [baseFee],
  appliedTaxes: [
    {
      taxId: "tax-1",
      taxCode: "vat_20",
      taxName: "VAT",
      taxDescription: null,
      taxRate: "20",
      feesAmountCents: 3_750,
      amountCents: 750,
    },
  ],
  feesAmountCents: 3_750,
  taxesAmountCents: 750,
  taxesRate: "20",
  subTotalExcludingTaxesAmountCents: 3_750,
  subTotalIncludingTaxesAmountCents: 4_500,
  totalAmountCents: 4_500,
  createdAt: "2023-02-08T00:00:00.000Z",
  updatedAt: "2023-02-08T00:00:00.000Z",
};

const unused = { feeId: "fee-base", amountCents: 3_571, preciseAmountCents: "3571.4285714285714286" };

const ids = {
  creditNoteId: (sequentialId: number) => `cn-${sequentialId}`,
  itemId: (index: number) => `item-${index}`,
  taxId: (code: string) => `tax-${code}`,
};

function issued(on: Invoice, onTermination: Parameters<typeof terminationCreditNoteRequest>[2]) {
  const request = terminationCreditNoteRequest(on, unused, onTermination);
  if (!request) throw new Error("no credit note");
  const result = issueCreditNote(on, request, ids, "2023-02-08T00:00:00.000Z");
  if (!result.ok) throw new Error(JSON.stringify(result.refusal));
  return result.creditNote;
}

describe("a termination's credit note", () => {
  it("credit: one item of 3571 on the fee, 714 of tax, 4285 credited, Lago's reason and origin", () => {
    expect(terminationCreditNoteRequest(invoice, unused, "credit")).toMatchObject({
      origin: "termination",
      reason: "order_cancellation",
      items: [{ feeId: "fee-base", amountCents: 3_571 }],
      split: { creditAmountCents: 4_285, refundAmountCents: 0, offsetAmountCents: 0 },
    });
    expect(issued(invoice, "credit")).toMatchObject({
      subTotalExcludingTaxesAmountCents: 3_571,
      taxesAmountCents: 714,
      totalAmountCents: 4_285,
      creditAmountCents: 4_285,
      balanceAmountCents: 4_285,
      creditStatus: "available",
      refundStatus: null,
      issuingDate: "2023-02-08",
    });
  });

  it("skip, a voided invoice, a free fee or a fee credited whole make none", () => {
    expect(terminationCreditNoteRequest(invoice, unused, "skip")).toBeNull();
    expect(terminationCreditNoteRequest({ ...invoice, status: "voided" }, unused, "credit")).toBeNull();
    expect(
      terminationCreditNoteRequest({ ...invoice, fees: [{ ...baseFee, amountCents: 0 }] }, unused, "credit"),
    ).toBeNull();
    expect(terminationCreditNoteRequest(invoice, { ...unused, feeId: "other" }, "credit")).toBeNull();
    const creditedWhole = {
      ...invoice,
      creditNotes: {
        count: 1,
        creditAmountCents: 4_500,
        refundAmountCents: 0,
        offsetAmountCents: 0,
        feeCreditedCents: { "fee-base": 3_750 },
        roundings: [],
      },
    };
    expect(terminationCreditNoteRequest(creditedWhole, unused, "credit")).toBeNull();
  });

  it("deducts what earlier notes took from the fee, as Lago does, and never credits above the fee", () => {
    const partly = {
      ...invoice,
      creditNotes: {
        count: 1,
        creditAmountCents: 1_200,
        refundAmountCents: 0,
        offsetAmountCents: 0,
        feeCreditedCents: { "fee-base": 1_000 },
        roundings: [
          {
            subTotalExcludingTaxesAmountCents: 1_000,
            preciseSubTotalExcludingTaxesAmountCents: "1000",
            taxesAmountCents: 200,
            preciseTaxesAmountCents: "200",
          },
        ],
      },
    };
    expect(terminationCreditNoteRequest(partly, unused, "credit")?.items).toEqual([
      { feeId: "fee-base", amountCents: 2_571 },
    ]);
    expect(terminationCreditNoteRequest(invoice, { ...unused, amountCents: 9_999 }, "credit")?.items).toEqual(
      [{ feeId: "fee-base", amountCents: 3_750 }],
    );
  });

  it("refund of the invoice paid in full: the whole 4285 paid back, pending", () => {
    const paid: Invoice = { ...invoice, paymentStatus: "succeeded", totalPaidAmountCents: 4_500 };
    expect(issued(paid, "refund")).toMatchObject({
      totalAmountCents: 4_285,
      creditAmountCents: 0,
      refundAmountCents: 4_285,
      offsetAmountCents: 0,
      creditStatus: null,
      refundStatus: "pending",
    });
  });

  it("refund or offset of a half-paid invoice: what was paid past the used day's 214 back, the rest credited or offset", () => {
    const half: Invoice = { ...invoice, totalPaidAmountCents: 2_250 };
    expect(terminationCreditNoteRequest(half, unused, "refund")?.split).toEqual({
      creditAmountCents: 2_249,
      refundAmountCents: 2_036,
      offsetAmountCents: 0,
    });
    expect(issued(half, "offset")).toMatchObject({
      creditAmountCents: 0,
      refundAmountCents: 2_036,
      offsetAmountCents: 2_249,
    });
    // Nothing paid: a refund asked is all credited.
    expect(terminationCreditNoteRequest(invoice, unused, "refund")?.split).toEqual({
      creditAmountCents: 4_285,
      refundAmountCents: 0,
      offsetAmountCents: 0,
    });
  });

  it("an upgrade always credits; otherwise the recorded choice, credit by default; Lago's four values", () => {
    expect(terminationChoice({ reason: "upgraded" }, "refund")).toBe("credit");
    expect(terminationChoice({ reason: "terminated" }, "refund")).toBe("refund");
    expect(terminationChoice({ reason: "terminated" }, null)).toBe("credit");
    expect(["credit", "refund", "offset", "skip", "void", ""].filter(isOnTerminationCreditNote)).toEqual([
      "credit",
      "refund",
      "offset",
      "skip",
    ]);
  });

  it("is marked on the invoice's credit note sums with its key, kept by every later note", () => {
    const request = terminationCreditNoteRequest(invoice, unused, "credit");
    const first = issueCreditNote(invoice, request as NonNullable<typeof request>, ids, invoice.createdAt);
    if (!first.ok) throw new Error("refused");
    const marked = { ...invoice, creditNotes: withCreditNoteKey(first.invoiceCreditNotes, "termination#t1") };
    expect(hasCreditNoteKey(marked, "termination#t1")).toBe(true);
    expect(hasCreditNoteKey(invoice, "termination#t1")).toBe(false);
    const next = withCreditNote(
      marked,
      {
        items: [],
        itemsAmountCents: 0,
        preciseCouponsAdjustmentAmountCents: "0",
        couponsAdjustmentAmountCents: 0,
        subTotalExcludingTaxesAmountCents: 0,
        preciseSubTotalExcludingTaxesAmountCents: "0",
        preciseTaxesAmountCents: "0",
        taxesAmountCents: 0,
        taxesRate: "0",
        appliedTaxes: [],
        totalAmountCents: 0,
      },
      { creditAmountCents: 0, refundAmountCents: 0, offsetAmountCents: 0 },
    );
    expect(next.keys).toEqual(["termination#t1"]);
  });
});
