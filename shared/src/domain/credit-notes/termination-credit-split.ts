import { decimal, roundHalfUp } from "../money.js";
import type { CreditNoteSplit } from "./credit-note-limits.js";

/** What `DELETE /subscriptions/{id}` asks of the unused part of a base fee paid in advance. */
export type OnTerminationCreditNote = "credit" | "refund" | "offset" | "skip";

/**
 * The part of an invoice's payment that paid for one fee: the payment at the fee's share of the
 * invoice's subtotal with taxes (its amount less coupons, plus its taxes, both unrounded).
 */
export function paidForFeeCents(input: {
  readonly feeSubTotalExcludingTaxesPreciseCents: string;
  readonly feeTaxesPreciseCents: string;
  readonly invoiceSubTotalIncludingTaxesCents: number;
  readonly invoiceTotalPaidCents: number;
}): string {
  if (input.invoiceSubTotalIncludingTaxesCents === 0) return "0";
  return decimal(input.feeSubTotalExcludingTaxesPreciseCents)
    .plus(input.feeTaxesPreciseCents)
    .dividedBy(input.invoiceSubTotalIncludingTaxesCents)
    .times(input.invoiceTotalPaidCents)
    .toString();
}

/**
 * How a termination credit note's total is split, as Lago splits it: `credit` gives it all as a
 * balance; `refund` pays back what was paid for the unused days (the fee's part of the payment less
 * what the used days are worth, never more than the total) and credits the rest; `offset` pays that
 * back too and takes the rest off what the invoice still owes. `skip` makes no credit note (null),
 * nor does a total of zero.
 */
export function terminationCreditSplit(input: {
  readonly onTermination: OnTerminationCreditNote;
  /** The unused days' worth, coupons and taxes applied (the credit note's total). */
  readonly totalCreditableCents: number;
  /** What the fee's part of the payment came to (`paidForFeeCents`). */
  readonly paidForFeeCents: string;
  /** The used days' worth, coupons and taxes applied the same way. */
  readonly usedCreditableCents: number;
}): CreditNoteSplit | null {
  if (input.onTermination === "skip" || input.totalCreditableCents <= 0) return null;
  const total = input.totalCreditableCents;
  if (input.onTermination === "credit")
    return { creditAmountCents: total, refundAmountCents: 0, offsetAmountCents: 0 };
  const potential = decimal(input.paidForFeeCents).minus(input.usedCreditableCents);
  const refund = potential.lessThanOrEqualTo(0) ? 0 : Math.min(roundHalfUp(potential), total);
  return input.onTermination === "refund"
    ? { creditAmountCents: total - refund, refundAmountCents: refund, offsetAmountCents: 0 }
    : { creditAmountCents: 0, refundAmountCents: refund, offsetAmountCents: total - refund };
}
