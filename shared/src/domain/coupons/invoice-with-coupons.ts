/**
 * An invoice at its finalization taking the customer's coupons, before taxes, as Lago's
 * `Invoices::ComputeAmountsFromFees` with `Coupons::ApplyService`: each coupon's credit spread over
 * its fees pro rata (`applyCoupons`), each fee's taxes on what it carries less its share, the
 * invoice's taxes per tax on those amounts rounded once, its subtotal the fees less the coupons.
 * Drafts take none (Lago applies coupons when it finalizes). Pure.
 */
import { type Invoice, type InvoiceCouponCredit, initialPaymentStatus } from "../invoice.js";
import { decimal, roundHalfUp } from "../money.js";
import { type AppliedCouponState, applyCoupons, type CouponsOnInvoice } from "./apply-coupons.js";

/** What a coupon is called on the invoice it credits (Lago's credit item). */
export interface CouponNames {
  readonly couponCode: string;
  readonly couponName: string;
}

export function invoiceWithCoupons(
  invoice: Invoice,
  coupons: readonly AppliedCouponState[],
  names: ReadonlyMap<string, CouponNames>,
): { readonly invoice: Invoice; readonly applied: CouponsOnInvoice | null } {
  // Lago takes coupons on subscription invoices only: a one-off invoice or a regrouping of fees
  // already paid takes none.
  if (
    invoice.status !== "finalized" ||
    invoice.invoiceType !== "subscription" ||
    invoice.couponCredits !== undefined ||
    coupons.length === 0
  )
    return { invoice, applied: null };
  const planId =
    invoice.billingPeriods?.find((period) => period.subscriptionId === invoice.subscriptionId)?.planId ??
    null;
  const applied = applyCoupons(
    {
      currency: invoice.currency,
      fees: invoice.fees.map((fee) => ({
        id: fee.id,
        amountCents: fee.amountCents,
        planId: fee.feeType === "add_on" ? null : planId,
        billableMetricId: fee.billableMetricId ?? null,
      })),
    },
    coupons,
  );
  if (applied.credits.length === 0) return { invoice, applied: null };

  const share = (feeId: string) => decimal(applied.feeCoupons.get(feeId) ?? 0);
  const fees = invoice.fees.map((fee) => {
    const net = decimal(fee.amountCents).minus(share(fee.id));
    return {
      ...fee,
      preciseCouponsAmountCents: share(fee.id).toString(),
      taxesAmountCents: roundHalfUp(net.times(fee.taxesRate).dividedBy(100)),
    };
  });
  // Per tax, the fees carrying it less their coupon shares, rounded once.
  const appliedTaxes = invoice.appliedTaxes.map((tax) => {
    const base = invoice.fees
      .filter((fee) => fee.taxCodes.includes(tax.taxCode))
      .reduce((sum, fee) => sum.plus(fee.amountCents).minus(share(fee.id)), decimal(0));
    return {
      ...tax,
      feesAmountCents: roundHalfUp(base),
      amountCents: roundHalfUp(base.times(tax.taxRate).dividedBy(100)),
    };
  });
  const taxesAmountCents = appliedTaxes.reduce((sum, tax) => sum + tax.amountCents, 0);
  const subTotalExcludingTaxesAmountCents = invoice.feesAmountCents - applied.couponsAmountCents;
  const subTotalIncludingTaxesAmountCents = subTotalExcludingTaxesAmountCents + taxesAmountCents;
  const couponCredits: InvoiceCouponCredit[] = applied.credits.map((credit) => ({
    appliedCouponId: credit.appliedCouponId,
    amountCents: credit.amountCents,
    couponCode: names.get(credit.appliedCouponId)?.couponCode ?? "",
    couponName: names.get(credit.appliedCouponId)?.couponName ?? "",
  }));
  return {
    invoice: {
      ...invoice,
      fees,
      appliedTaxes,
      couponsAmountCents: applied.couponsAmountCents,
      couponCredits,
      taxesAmountCents,
      taxesRate:
        subTotalExcludingTaxesAmountCents === 0
          ? "0"
          : decimal(taxesAmountCents)
              .times(100)
              .dividedBy(subTotalExcludingTaxesAmountCents)
              .toDecimalPlaces(5)
              .toString(),
      subTotalExcludingTaxesAmountCents,
      subTotalIncludingTaxesAmountCents,
      totalAmountCents: subTotalIncludingTaxesAmountCents,
      paymentStatus: initialPaymentStatus(subTotalIncludingTaxesAmountCents),
    },
    applied,
  };
}
