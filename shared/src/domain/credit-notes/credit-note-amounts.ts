import type Decimal from "decimal.js";
import { decimal, roundHalfUp } from "../money.js";

/** A fee of a finalized invoice, as a credit note sees it. */
export interface CreditableFee {
  readonly id: string;
  readonly amountCents: number;
  /** Its share of the invoice's coupons, unrounded (Lago's `precise_coupons_amount_cents`). */
  readonly preciseCouponsAmountCents: string;
  /** The taxes it carries, each with its rate in percent. */
  readonly taxes: readonly { readonly code: string; readonly rate: string }[];
  /** Pre-tax amounts earlier credit notes took from it (their items). */
  readonly creditedAmountCents: number;
}

/** What an earlier credit note of the invoice rounded its subtotal and taxes to, and from what. */
export interface EarlierCreditNoteRounding {
  readonly subTotalExcludingTaxesAmountCents: number;
  readonly preciseSubTotalExcludingTaxesAmountCents: string;
  readonly taxesAmountCents: number;
  readonly preciseTaxesAmountCents: string;
}

export interface CreditNoteItemInput {
  readonly feeId: string;
  /** Pre-tax amount taken from the fee, in the invoice currency's minor units. */
  readonly amountCents: number;
}

export interface CreditNoteItemAmount {
  readonly fee: CreditableFee;
  readonly amountCents: number;
}

export interface CreditNoteAppliedTax {
  readonly code: string;
  readonly rate: string;
  /** The items' amounts it applies to, less their coupon share, rounded. */
  readonly baseAmountCents: number;
  readonly amountCents: number;
  readonly preciseAmountCents: string;
}

/** A credit note's amounts, before its total is split into credit, refund and offset. */
export interface CreditNoteAmounts {
  readonly items: readonly CreditNoteItemAmount[];
  readonly itemsAmountCents: number;
  readonly preciseCouponsAdjustmentAmountCents: string;
  readonly couponsAdjustmentAmountCents: number;
  readonly subTotalExcludingTaxesAmountCents: number;
  readonly preciseSubTotalExcludingTaxesAmountCents: string;
  readonly preciseTaxesAmountCents: string;
  readonly taxesAmountCents: number;
  readonly taxesRate: string;
  readonly appliedTaxes: readonly CreditNoteAppliedTax[];
  /**
   * The items' worth taxes included, subtotal plus taxes: the most that credit, refund and offset
   * may add up to (Lago's estimate `max_creditable_amount_cents`).
   */
  readonly totalAmountCents: number;
}

export type CreditNoteItemsError =
  | { readonly kind: "fee_not_found"; readonly feeId: string }
  | { readonly kind: "invalid_items"; readonly code: "invalid_value" | "higher_than_remaining_fee_amount" };

/** What a fee can still be credited, pre-tax (Lago's fee `creditable_amount_cents`). */
export const feeCreditableAmountCents = (fee: CreditableFee): number =>
  Math.max(0, fee.amountCents - fee.creditedAmountCents);

/** The part of a fee's coupons that goes with `amountCents` of it. */
export function couponShare(fee: CreditableFee, amountCents: Decimal.Value): Decimal {
  if (fee.amountCents === 0) return decimal(0);
  return decimal(fee.preciseCouponsAmountCents).times(amountCents).dividedBy(fee.amountCents);
}

/**
 * A credit note's amounts for items of an invoice's fees, as Lago computes them: each item takes
 * its fee's coupon share at the item's part of the fee, each tax applies to its items less that
 * share, rounded per tax, and the note's taxes are the unrounded taxes' sum rounded once. When the
 * items take everything left on the invoice, the cents earlier notes gained or lost rounding are
 * given back: Lago does so for taxes only, so its notes can credit a cent more or less than the
 * invoice when coupons split a fee unevenly; here they add up to the invoice exactly. The total
 * is the rounded subtotal plus the rounded taxes.
 */
export function creditNoteAmounts(
  invoice: {
    readonly fees: readonly CreditableFee[];
    readonly earlierCreditNotes: readonly EarlierCreditNoteRounding[];
  },
  input: readonly CreditNoteItemInput[],
): { ok: true; amounts: CreditNoteAmounts } | { ok: false; error: CreditNoteItemsError } {
  const byId = new Map(invoice.fees.map((fee) => [fee.id, fee]));
  const items: CreditNoteItemAmount[] = [];
  for (const item of input) {
    const fee = byId.get(item.feeId);
    if (!fee) return { ok: false, error: { kind: "fee_not_found", feeId: item.feeId } };
    if (!Number.isSafeInteger(item.amountCents) || item.amountCents < 0)
      return { ok: false, error: { kind: "invalid_items", code: "invalid_value" } };
    items.push({ fee, amountCents: item.amountCents });
  }
  // Two items of one fee are one claim on its remainder.
  const claimed = new Map<string, number>();
  for (const item of items) claimed.set(item.fee.id, (claimed.get(item.fee.id) ?? 0) + item.amountCents);
  for (const [feeId, amountCents] of claimed) {
    if (amountCents > feeCreditableAmountCents(byId.get(feeId) as CreditableFee))
      return { ok: false, error: { kind: "invalid_items", code: "higher_than_remaining_fee_amount" } };
  }

  const itemsAmountCents = items.reduce((sum, item) => sum + item.amountCents, 0);
  const couponsAdjustment = items.reduce(
    (sum, item) => sum.plus(couponShare(item.fee, item.amountCents)),
    decimal(0),
  );
  const netItems = decimal(itemsAmountCents).minus(couponsAdjustment);

  // Per tax, the items it applies to, less their coupon share (Lago's taxes after coupons).
  const bases = new Map<string, { rate: string; base: Decimal }>();
  for (const item of items) {
    const net = decimal(item.amountCents).minus(couponShare(item.fee, item.amountCents));
    for (const tax of item.fee.taxes) {
      const entry = bases.get(tax.code) ?? { rate: tax.rate, base: decimal(0) };
      bases.set(tax.code, { rate: entry.rate, base: entry.base.plus(net) });
    }
  }
  const appliedTaxes: CreditNoteAppliedTax[] = [];
  let preciseTaxes = decimal(0);
  let taxesRate = decimal(0);
  for (const [code, { rate, base }] of bases) {
    const precise = base.times(rate).dividedBy(100);
    preciseTaxes = preciseTaxes.plus(precise);
    if (!netItems.isZero()) taxesRate = taxesRate.plus(base.dividedBy(netItems).times(rate));
    appliedTaxes.push({
      code,
      rate,
      baseAmountCents: roundHalfUp(base),
      amountCents: roundHalfUp(precise),
      preciseAmountCents: precise.toString(),
    });
  }

  // The note taking everything left gives back the cents earlier notes' roundings gained or lost,
  // so the notes of an invoice add up to exactly what it had to credit.
  let preciseNet = netItems;
  const remainingOnInvoice = invoice.fees.reduce((sum, fee) => sum + feeCreditableAmountCents(fee), 0);
  if (itemsAmountCents > 0 && itemsAmountCents === remainingOnInvoice) {
    for (const note of invoice.earlierCreditNotes) {
      preciseNet = preciseNet
        .minus(note.subTotalExcludingTaxesAmountCents)
        .plus(note.preciseSubTotalExcludingTaxesAmountCents);
      preciseTaxes = preciseTaxes.minus(note.taxesAmountCents).plus(note.preciseTaxesAmountCents);
    }
  }

  // Subtotal and taxes each rounded once, and the total their sum. Lago rounds the total apart and,
  // when that leaves it a cent under, takes the cent off the taxes; keeping both roundings makes
  // the notes of an invoice add up to its creditable amount.
  const subTotalExcludingTaxesAmountCents = roundHalfUp(preciseNet);
  const taxesAmountCents = roundHalfUp(preciseTaxes);
  const totalAmountCents = subTotalExcludingTaxesAmountCents + taxesAmountCents;

  return {
    ok: true,
    amounts: {
      items,
      itemsAmountCents,
      preciseCouponsAdjustmentAmountCents: couponsAdjustment.toString(),
      couponsAdjustmentAmountCents: roundHalfUp(couponsAdjustment),
      subTotalExcludingTaxesAmountCents,
      preciseSubTotalExcludingTaxesAmountCents: preciseNet.toString(),
      preciseTaxesAmountCents: preciseTaxes.toString(),
      taxesAmountCents,
      taxesRate: taxesRate.toDecimalPlaces(5).toString(),
      appliedTaxes,
      totalAmountCents,
    },
  };
}
