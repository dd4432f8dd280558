import { describe, expect, it } from "vitest";
import type { Invoice, InvoiceFee } from "../invoice.js";
import type { AppliedCouponState } from "./apply-coupons.js";
import { invoiceWithCoupons } from "./invoice-with-coupons.js";

const fee = (
  id: string,
  amountCents: number,
  metric: string,
  taxCodes: string[],
  taxesRate: string,
): InvoiceFee =>
  ({
    id,
    feeType: "charge",
    amountCents,
    billableMetricId: metric,
    taxCodes,
    taxesRate,
    taxesAmountCents: 0,
  }) as unknown as InvoiceFee;

/** Lago's credit note scenario: fees 179 + 399, taxes 10 % on both and 10 % more on the second. */
const invoice = (status: Invoice["status"] = "finalized"): Invoice =>
  ({
    id: "inv",
    status,
    invoiceType: "subscription",
    currency: "EUR",
    subscriptionId: "sub",
    fees: [fee("f1", 17_900, "m1", ["vat"], "10"), fee("f2", 39_900, "m2", ["vat", "extra"], "20")],
    appliedTaxes: [
      {
        taxId: "t1",
        taxCode: "vat",
        taxName: "VAT",
        taxDescription: null,
        taxRate: "10",
        feesAmountCents: 57_800,
        amountCents: 5_780,
      },
      {
        taxId: "t2",
        taxCode: "extra",
        taxName: "Extra",
        taxDescription: null,
        taxRate: "10",
        feesAmountCents: 39_900,
        amountCents: 3_990,
      },
    ],
    feesAmountCents: 57_800,
    taxesAmountCents: 9_770,
    subTotalExcludingTaxesAmountCents: 57_800,
    subTotalIncludingTaxesAmountCents: 67_570,
    totalAmountCents: 67_570,
    paymentStatus: "pending",
  }) as unknown as Invoice;

const coupon = (over: Partial<AppliedCouponState> = {}): AppliedCouponState => ({
  id: "ac1",
  couponType: "fixed_amount",
  amountCents: 25_000,
  amountCurrency: "EUR",
  percentageRate: null,
  frequency: "once",
  frequencyDurationRemaining: null,
  remainingAmountCents: 25_000,
  limitedPlanIds: [],
  limitedBillableMetricIds: ["m2"],
  createdAt: "2026-01-01T00:00:00Z",
  ...over,
});

const names = new Map([["ac1", { couponCode: "spring", couponName: "Spring" }]]);

describe("invoiceWithCoupons", () => {
  it("Lago's scenario: 250 off the second fee only; taxes 47.70 at 14.54268 %, total 375.70", () => {
    const { invoice: credited, applied } = invoiceWithCoupons(invoice(), [coupon()], names);
    expect(credited).toMatchObject({
      couponsAmountCents: 25_000,
      subTotalExcludingTaxesAmountCents: 32_800,
      taxesAmountCents: 4_770,
      taxesRate: "14.54268",
      subTotalIncludingTaxesAmountCents: 37_570,
      totalAmountCents: 37_570,
      couponCredits: [
        { appliedCouponId: "ac1", amountCents: 25_000, couponCode: "spring", couponName: "Spring" },
      ],
    });
    expect(credited.fees.map((f) => [f.id, f.preciseCouponsAmountCents, f.taxesAmountCents])).toEqual([
      ["f1", "0", 1_790],
      ["f2", "25000", 2_980],
    ]);
    expect(credited.appliedTaxes.map((tax) => [tax.taxCode, tax.feesAmountCents, tax.amountCents])).toEqual([
      ["vat", 32_800, 3_280],
      ["extra", 14_900, 1_490],
    ]);
    expect(applied?.appliedCoupons).toEqual([
      { id: "ac1", remainingAmountCents: 0, frequencyDurationRemaining: null, terminated: true },
    ]);
  });

  it("a coupon worth more than the invoice brings it to zero, settled; a draft takes none", () => {
    const { invoice: credited } = invoiceWithCoupons(
      invoice(),
      [coupon({ amountCents: 100_000, remainingAmountCents: 100_000, limitedBillableMetricIds: [] })],
      names,
    );
    expect(credited).toMatchObject({
      couponsAmountCents: 57_800,
      taxesAmountCents: 0,
      totalAmountCents: 0,
      paymentStatus: "succeeded",
    });
    expect(invoiceWithCoupons(invoice("draft"), [coupon()], names).applied).toBeNull();
    const oneOff = { ...invoice(), invoiceType: "one_off" } as Invoice;
    expect(invoiceWithCoupons(oneOff, [coupon()], names).applied).toBeNull();
    expect(invoiceWithCoupons(credited, [coupon()], names).applied).toBeNull();
  });
});
