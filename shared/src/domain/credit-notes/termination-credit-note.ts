/**
 * The credit note a termination makes on the invoice that billed a base fee in advance (Lago's
 * `CreditNotes::CreateFromTermination`): one item on that fee for the unused days, split as the
 * termination asked. Pure: the invoice and the unused days come in as arguments.
 */
import type Decimal from "decimal.js";
import type { Invoice, UnusedAdvanceFeeRecord } from "../invoice.js";
import { decimal, roundHalfUp } from "../money.js";
import { couponShare, creditNoteAmounts } from "./credit-note-amounts.js";
import { creditableFees, earlierCreditNotes } from "./invoice-credit-state.js";
import type { CreditNoteRequest } from "./issue-credit-note.js";
import {
  type OnTerminationCreditNote,
  paidForFeeCents,
  terminationCreditSplit,
} from "./termination-credit-split.js";

/** What `on_termination_credit_note` may ask, as Lago lists it. */
export const ON_TERMINATION_CREDIT_NOTES = [
  "credit",
  "refund",
  "offset",
  "skip",
] as const satisfies readonly OnTerminationCreditNote[];

export const isOnTerminationCreditNote = (value: string): value is OnTerminationCreditNote =>
  (ON_TERMINATION_CREDIT_NOTES as readonly string[]).includes(value);

/**
 * What a termination asks: an upgrade always credits (Lago makes no refund on an upgrade, the new
 * plan's invoice takes the credit); otherwise the subscription's recorded choice, `credit` by default.
 */
export const terminationChoice = (
  unused: Pick<UnusedAdvanceFeeRecord, "reason">,
  recorded: OnTerminationCreditNote | null | undefined,
): OnTerminationCreditNote => (unused.reason === "upgraded" ? "credit" : (recorded ?? "credit"));

/**
 * The termination's credit note on `invoice` (the one that billed the fee ahead), or null when it
 * makes none: skipped, the invoice voided, the fee free, or nothing left to credit. Its item is the
 * unused days' worth (rounded, never above the fee) less what earlier notes took from the fee, as
 * Lago deducts them; the split reads what was paid for the fee against the used days' worth: what
 * the fee billed less the unused days, coupons and taxes applied the same way.
 */
export function terminationCreditNoteRequest(
  invoice: Invoice,
  unused: Pick<UnusedAdvanceFeeRecord, "feeId" | "amountCents" | "preciseAmountCents">,
  onTermination: OnTerminationCreditNote,
): CreditNoteRequest | null {
  if (onTermination === "skip" || invoice.status === "voided") return null;
  const fee = invoice.fees.find((candidate) => candidate.id === unused.feeId);
  const creditable = creditableFees(invoice).find((candidate) => candidate.id === unused.feeId);
  if (!fee || !creditable || fee.amountCents <= 0) return null;
  const amountCents = Math.min(unused.amountCents, fee.amountCents) - creditable.creditedAmountCents;
  if (amountCents <= 0) return null;
  const computed = creditNoteAmounts(
    { fees: creditableFees(invoice), earlierCreditNotes: earlierCreditNotes(invoice) },
    [{ feeId: fee.id, amountCents }],
  );
  if (!computed.ok) return null;

  const taxesRate = creditable.taxes.reduce((sum, tax) => sum.plus(tax.rate), decimal(0)).dividedBy(100);
  /** A part of the fee with its coupon share off and its taxes on, unrounded. */
  const withTaxes = (precise: Decimal.Value) => {
    const net = decimal(precise).minus(couponShare(creditable, precise));
    return { net, taxes: net.times(taxesRate) };
  };
  const used = decimal(fee.preciseAmountCents).minus(unused.preciseAmountCents);
  const usedPart = withTaxes(used.lessThanOrEqualTo(0) ? 0 : used);
  const whole = withTaxes(fee.preciseAmountCents);
  const split = terminationCreditSplit({
    onTermination,
    totalCreditableCents: computed.amounts.totalAmountCents,
    paidForFeeCents: paidForFeeCents({
      feeSubTotalExcludingTaxesPreciseCents: whole.net.toString(),
      feeTaxesPreciseCents: whole.taxes.toString(),
      invoiceSubTotalIncludingTaxesCents: invoice.subTotalIncludingTaxesAmountCents,
      invoiceTotalPaidCents: invoice.totalPaidAmountCents ?? 0,
    }),
    usedCreditableCents: roundHalfUp(usedPart.net.plus(usedPart.taxes)),
  });
  if (!split) return null;
  return {
    origin: "termination",
    // Lago's termination passes `order_cancellation`, an upgrade's included.
    reason: "order_cancellation",
    description: null,
    items: [{ feeId: fee.id, amountCents }],
    split,
    metadata: {},
  };
}
