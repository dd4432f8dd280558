import { describe, expect, it } from "vitest";
import type { InvoiceAppliedTax, InvoiceFee } from "../invoice.js";
import { advanceChargesInvoice, feesToRegroup, type RegroupableFee } from "./advance-charges-invoice.js";

const vat = (feeAmount: number): InvoiceAppliedTax => ({
  id: `vat-${feeAmount}`,
  taxId: "tax-vat",
  taxCode: "vat",
  taxName: "VAT",
  taxDescription: null,
  taxRate: "20",
  feesAmountCents: feeAmount,
  amountCents: feeAmount / 5,
});

function standalone(
  id: string,
  amountCents: number,
  options: {
    chargeId?: string;
    status?: RegroupableFee["paymentStatus"];
    succeededAt?: string | null;
    invoiceId?: string | null;
  } = {},
): RegroupableFee {
  const succeededAt = options.succeededAt === undefined ? "2026-03-20T10:00:00.000Z" : options.succeededAt;
  const fee = {
    id,
    feeType: "charge",
    chargeId: options.chargeId ?? "regrouped",
    amountCents,
    taxesAmountCents: amountCents / 5,
    taxCodes: ["vat"],
    payment: {
      status: options.status ?? "succeeded",
      succeededAt,
      failedAt: null,
      refundedAt: null,
    },
  } as unknown as InvoiceFee; // Only what regrouping reads of a fee.
  return {
    fee,
    appliedTaxes: [vat(amountCents)],
    paymentStatus: options.status ?? "succeeded",
    invoiceId: options.invoiceId ?? null,
    currency: "EUR",
  };
}

const charges = [
  { id: "regrouped", regroupPaidFees: "invoice" as const },
  { id: "kept", regroupPaidFees: null },
];
const BILLED_AT = "2026-04-01T00:00:00.000Z";

describe("an advance_charges invoice", () => {
  it("regroups the paid fees of regrouping charges, paid by its billing instant, on no invoice yet", () => {
    const fees = [
      standalone("b", 1000),
      standalone("a", 2000),
      standalone("pending", 1000, { status: "pending", succeededAt: null }),
      standalone("failed", 1000, { status: "failed", succeededAt: null }),
      standalone("kept", 1000, { chargeId: "kept" }),
      standalone("later", 1000, { succeededAt: "2026-04-01T00:00:00.001Z" }),
      standalone("at-instant", 1000, { succeededAt: BILLED_AT }),
      standalone("elsewhere", 1000, { invoiceId: "other-invoice" }),
    ];
    expect(feesToRegroup(fees, charges, BILLED_AT).map((record) => record.fee.id)).toEqual([
      "a",
      "at-instant",
      "b",
    ]);
  });

  it("sums the fees' amounts and taxes as they were paid, finalized at once on the billing day", () => {
    const invoice = advanceChargesInvoice({
      id: "inv",
      organizationId: "org",
      customerId: "cus",
      externalCustomerId: "cus_1",
      subscriptionId: "sub",
      externalSubscriptionId: "sub_1",
      planId: "plan",
      currency: "EUR",
      timezone: "America/New_York",
      period: { startsAt: "2026-03-01T05:00:00.000Z", endsAt: "2026-04-01T04:00:00.000Z" },
      billingAt: "2026-04-01T04:00:00.000Z",
      netPaymentTermDays: 15,
      fees: [standalone("a", 1000), standalone("b", 2500)],
      now: "2026-04-01T04:05:00.000Z",
    });
    expect(invoice).toMatchObject({
      invoiceType: "advance_charges",
      status: "finalized",
      paymentStatus: "pending",
      sequentialId: null,
      feesAmountCents: 3500,
      taxesAmountCents: 700,
      taxesRate: "20",
      subTotalExcludingTaxesAmountCents: 3500,
      subTotalIncludingTaxesAmountCents: 4200,
      totalAmountCents: 4200,
      // Midnight of April 1st in New York.
      issuingDate: "2026-04-01",
      paymentDueDate: "2026-04-16",
      finalizedAt: "2026-04-01T04:05:00.000Z",
    });
    expect(invoice.fees.map((fee) => fee.id)).toEqual(["a", "b"]);
    expect(invoice.appliedTaxes).toEqual([
      {
        taxId: "tax-vat",
        taxCode: "vat",
        taxName: "VAT",
        taxDescription: null,
        taxRate: "20",
        feesAmountCents: 3500,
        amountCents: 700,
      },
    ]);
    expect(invoice.billingPeriods).toEqual([
      expect.objectContaining({
        fromDatetime: "2026-03-01T05:00:00.000Z",
        toDatetime: "2026-04-01T03:59:59.000Z",
        invoicingReason: "in_advance_charge_periodic",
      }),
    ]);
  });
});
