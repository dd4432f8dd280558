import {
  type CreditableFee,
  type CreditNoteAmounts,
  type CreditNoteItemInput,
  creditNoteAmounts,
  type EarlierCreditNoteRounding,
  feeCreditableAmountCents,
} from "./credit-note-amounts.js";
import type { CreditNoteSplit } from "./credit-note-limits.js";

export interface VoidCreditNoteRequest {
  readonly creditAmountCents: number;
  readonly refundAmountCents: number;
}

/** A credit note made by voiding an invoice: its items, amounts and split. */
export interface VoidCreditNote {
  readonly items: readonly CreditNoteItemInput[];
  readonly amounts: CreditNoteAmounts;
  readonly split: CreditNoteSplit;
}

export type VoidCreditNotes =
  | { readonly ok: false; readonly code: "total_amount_exceeds_invoice_amount" }
  | {
      readonly ok: true;
      /** The note the void asked for (credit and refund), if it asked for any. */
      readonly requested: VoidCreditNote | null;
      /** What is left creditable, in a note voided at once (its balance never used). */
      readonly remainder: VoidCreditNote | null;
    };

interface InvoiceForVoid {
  readonly fees: readonly CreditableFee[];
  readonly earlierCreditNotes: readonly EarlierCreditNoteRounding[];
  readonly creditableAmountCents: number;
  readonly refundableAmountCents: number;
}

const remainingItems = (fees: readonly CreditableFee[]): CreditNoteItemInput[] =>
  fees
    .map((fee) => ({ feeId: fee.id, amountCents: feeCreditableAmountCents(fee) }))
    .filter((item) => item.amountCents > 0);

function amountsOf(
  invoice: Omit<InvoiceForVoid, "creditableAmountCents" | "refundableAmountCents">,
  items: CreditNoteItemInput[],
) {
  const result = creditNoteAmounts(invoice, items);
  // Items made from the fees' own remainders are always creditable.
  if (!result.ok) throw new Error(`void credit note items refused: ${JSON.stringify(result.error)}`);
  return result.amounts;
}

/**
 * The items worth `share` of what is left on the fees: each remainder scaled, in whole cents that
 * add up to the scaled sum (largest remainders take the odd cents), never more than a remainder.
 */
function scaledItems(items: readonly CreditNoteItemInput[], share: number): CreditNoteItemInput[] {
  const scaled = items.map((item) => ({ ...item, exact: item.amountCents * share }));
  const target = Math.round(scaled.reduce((sum, item) => sum + item.exact, 0));
  const floors = scaled.map((item) => ({ ...item, amountCents: Math.floor(item.exact) }));
  let missing = target - floors.reduce((sum, item) => sum + item.amountCents, 0);
  const byRemainder = [...floors.keys()].sort(
    (a, b) => ((scaled[b]?.exact ?? 0) % 1) - ((scaled[a]?.exact ?? 0) % 1),
  );
  for (const index of byRemainder) {
    if (missing <= 0) break;
    const item = floors[index];
    const whole = items[index]?.amountCents ?? 0;
    if (item && item.amountCents < whole) {
      item.amountCents += 1;
      missing -= 1;
    }
  }
  return floors
    .filter((item) => item.amountCents > 0)
    .map(({ feeId, amountCents }) => ({ feeId, amountCents }));
}

/**
 * The credit notes voiding an invoice makes with `generate_credit_note` (Lago's void service): the
 * asked credit and refund may not exceed what is creditable and refundable
 * (`total_amount_exceeds_invoice_amount`); the note asked for takes that share of every fee's
 * remainder, its split the asked refund and the rest as credit (so it adds up to its items' worth
 * to the cent); and whatever is still creditable goes in a second note, voided at once, so the
 * voided invoice has nothing left to credit.
 */
export function voidInvoiceCreditNotes(
  invoice: InvoiceForVoid,
  request: VoidCreditNoteRequest,
): VoidCreditNotes {
  const { creditAmountCents: credit, refundAmountCents: refund } = request;
  if (
    credit < 0 ||
    refund < 0 ||
    credit > invoice.creditableAmountCents ||
    refund > invoice.refundableAmountCents ||
    credit + refund > invoice.creditableAmountCents
  )
    return { ok: false, code: "total_amount_exceeds_invoice_amount" };

  const base = remainingItems(invoice.fees);
  let requested: VoidCreditNote | null = null;
  let fees = invoice.fees;
  let earlier = invoice.earlierCreditNotes;
  const asked = credit + refund;
  if (asked > 0 && base.length > 0) {
    const baseWorth = amountsOf(invoice, base).totalAmountCents;
    const items = asked >= baseWorth ? base : scaledItems(base, asked / baseWorth);
    const amounts = amountsOf(invoice, items);
    const refundAmountCents = Math.min(refund, amounts.totalAmountCents);
    requested = {
      items,
      amounts,
      split: {
        creditAmountCents: amounts.totalAmountCents - refundAmountCents,
        refundAmountCents,
        offsetAmountCents: 0,
      },
    };
    fees = fees.map((fee) => ({
      ...fee,
      creditedAmountCents:
        fee.creditedAmountCents +
        items.filter((item) => item.feeId === fee.id).reduce((s, i) => s + i.amountCents, 0),
    }));
    earlier = [...earlier, amounts];
  }

  const rest = remainingItems(fees);
  let remainder: VoidCreditNote | null = null;
  if (rest.length > 0) {
    const amounts = amountsOf({ fees, earlierCreditNotes: earlier }, rest);
    if (amounts.totalAmountCents > 0)
      remainder = {
        items: rest,
        amounts,
        split: { creditAmountCents: amounts.totalAmountCents, refundAmountCents: 0, offsetAmountCents: 0 },
      };
  }
  return { ok: true, requested, remainder };
}
