import { decimal, roundHalfUp } from "../money.js";
import type { CreditableFee } from "./credit-note-amounts.js";

/** An invoice as the limits of a new credit note on it read it. */
export interface InvoiceCreditState {
  /** The invoice's fees as issued (their amounts and coupon shares). */
  readonly fees: readonly CreditableFee[];
  readonly totalAmountCents: number;
  readonly totalPaidAmountCents: number;
  readonly paymentStatus: "pending" | "succeeded" | "failed";
  /** What the invoice's earlier (finalized) credit notes credited, refunded and offset. */
  readonly creditedAmountCents: number;
  readonly refundedAmountCents: number;
  readonly offsetAmountCents: number;
}

/** How a credit note's total is split: a balance for later invoices, money back, or the amount due cut. */
export interface CreditNoteSplit {
  readonly creditAmountCents: number;
  readonly refundAmountCents: number;
  readonly offsetAmountCents: number;
}

/** A fee's taxes rate: its taxes' rates summed. */
const feeTaxesRate = (fee: CreditableFee) => fee.taxes.reduce((sum, tax) => sum.plus(tax.rate), decimal(0));

/**
 * What credit notes could take from the invoice as issued, taxes included: each fee less its own
 * coupon share, plus the taxes on that, rounded once. Lago spreads the invoice's coupons over every
 * fee by amount instead, so a coupon limited to one plan makes Lago's figure exceed the invoice's
 * total; each fee's own share keeps it equal to the total.
 */
export function invoiceWholeCreditableAmountCents(fees: readonly CreditableFee[]): number {
  let net = decimal(0);
  let taxes = decimal(0);
  for (const fee of fees) {
    const feeNet = decimal(fee.amountCents).minus(fee.preciseCouponsAmountCents);
    net = net.plus(feeNet);
    taxes = taxes.plus(feeNet.times(feeTaxesRate(fee)));
  }
  return roundHalfUp(net) + roundHalfUp(taxes.dividedBy(100));
}

/**
 * What credit notes can still take from the invoice, taxes included (Lago's invoice
 * `creditable_amount_cents`): what it had to credit less every earlier note's total (credited,
 * refunded and offset). Lago recomputes it from the fees' remainders, which drifts by the cents
 * each note rounded; the notes here add up exactly (see `creditNoteAmounts`), so this is exact.
 */
export function invoiceCreditableAmountCents(invoice: InvoiceCreditState): number {
  const taken = invoice.creditedAmountCents + invoice.refundedAmountCents + invoice.offsetAmountCents;
  return Math.max(0, invoiceWholeCreditableAmountCents(invoice.fees) - taken);
}

/**
 * What can still be paid back (Lago's `refundable_amount_cents`): what was paid less what was
 * refunded, never more than what is creditable; nothing while the payment is not settled though
 * fully recorded.
 */
export function invoiceRefundableAmountCents(invoice: InvoiceCreditState): number {
  if (invoice.paymentStatus !== "succeeded" && invoice.totalPaidAmountCents === invoice.totalAmountCents)
    return 0;
  const remainingPaid = invoice.totalPaidAmountCents - invoice.refundedAmountCents;
  return Math.max(0, Math.min(remainingPaid, invoiceCreditableAmountCents(invoice)));
}

/** What is still owed on the invoice: its total less what was paid and what credit notes offset. */
export const invoiceDueAmountCents = (invoice: InvoiceCreditState): number =>
  invoice.totalAmountCents - invoice.totalPaidAmountCents - invoice.offsetAmountCents;

export type CreditNoteSplitErrors = Partial<
  Record<"base" | "credit_amount_cents" | "refund_amount_cents" | "offset_amount_cents", string[]>
>;

/**
 * Lago's checks of a credit note's split against its items and its invoice, with Lago's error
 * codes by field; empty when the note may be made. The split must add up to the items' worth
 * within a cent and be positive; a refund needs a payment and stays within what was paid and not
 * refunded; credit and offset stay within what is creditable; an offset within what is due.
 */
export function creditNoteSplitErrors(
  invoice: InvoiceCreditState,
  itemsTotalAmountCents: number,
  split: CreditNoteSplit,
): CreditNoteSplitErrors {
  const errors: CreditNoteSplitErrors = {};
  const add = (field: keyof CreditNoteSplitErrors, code: string) => {
    const list = errors[field] ?? [];
    errors[field] = list;
    if (!list.includes(code)) list.push(code);
  };
  const { creditAmountCents: credit, refundAmountCents: refund, offsetAmountCents: offset } = split;
  for (const [field, value] of [
    ["credit_amount_cents", credit],
    ["refund_amount_cents", refund],
    ["offset_amount_cents", offset],
  ] as const) {
    if (!Number.isSafeInteger(value) || value < 0) add(field, "invalid_value");
  }
  if (Object.keys(errors).length > 0) return errors;

  const total = credit + refund + offset;
  if (Math.abs(total - itemsTotalAmountCents) > 1) add("base", "does_not_match_item_amounts");

  if (refund > 0) {
    if (invoice.totalPaidAmountCents <= 0) add("refund_amount_cents", "cannot_refund_unpaid_invoice");
    else if (
      invoice.paymentStatus !== "succeeded" &&
      invoice.totalPaidAmountCents === invoice.totalAmountCents &&
      invoice.totalAmountCents > 0
    )
      add("refund_amount_cents", "cannot_refund_unpaid_invoice");
    else if (refund > invoice.totalPaidAmountCents - invoice.refundedAmountCents)
      add("refund_amount_cents", "higher_than_remaining_invoice_amount");
  }

  const creditable = invoiceCreditableAmountCents(invoice);
  if (credit - creditable > 1) add("credit_amount_cents", "higher_than_remaining_invoice_amount");
  if (offset > 0 && offset > Math.min(invoiceDueAmountCents(invoice), creditable))
    add("offset_amount_cents", "higher_than_remaining_invoice_amount");
  if (total - creditable > 1) add("base", "higher_than_remaining_invoice_amount");
  if (total <= 0) add("base", "total_amount_must_be_positive");
  return errors;
}

/**
 * The split as stored: when rounding left the split a cent off the items' worth, the total is the
 * items' worth and the cent is taken from (or given to) the credit, else the refund, as Lago keeps
 * total = credit + refund + offset.
 */
export function settleCreditNoteSplit(
  itemsTotalAmountCents: number,
  split: CreditNoteSplit,
): CreditNoteSplit {
  const difference =
    itemsTotalAmountCents - (split.creditAmountCents + split.refundAmountCents + split.offsetAmountCents);
  if (difference === 0) return split;
  if (split.creditAmountCents > 0)
    return { ...split, creditAmountCents: split.creditAmountCents + difference };
  if (split.refundAmountCents > 0)
    return { ...split, refundAmountCents: split.refundAmountCents + difference };
  return { ...split, offsetAmountCents: split.offsetAmountCents + difference };
}
