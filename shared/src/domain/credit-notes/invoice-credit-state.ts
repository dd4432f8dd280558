import type { Invoice, InvoiceCreditNotesRecord } from "../invoice.js";
import type { CreditableFee, CreditNoteAmounts, EarlierCreditNoteRounding } from "./credit-note-amounts.js";
import type { CreditNoteSplit, InvoiceCreditState } from "./credit-note-limits.js";

const NO_CREDIT_NOTES: InvoiceCreditNotesRecord = {
  count: 0,
  creditAmountCents: 0,
  refundAmountCents: 0,
  offsetAmountCents: 0,
  feeCreditedCents: {},
  roundings: [],
};

/** What credit notes took from the invoice so far (nothing before its first). */
export const creditNotesOf = (invoice: Pick<Invoice, "creditNotes">): InvoiceCreditNotesRecord =>
  invoice.creditNotes ?? NO_CREDIT_NOTES;

/**
 * The invoice's fees as a credit note sees them: each with its taxes' rates as the invoice applied
 * them, its coupon share, and what earlier notes took from it.
 */
export function creditableFees(
  invoice: Pick<Invoice, "fees" | "appliedTaxes" | "creditNotes">,
): CreditableFee[] {
  const rates = new Map(invoice.appliedTaxes.map((tax) => [tax.taxCode, tax.taxRate]));
  const credited = creditNotesOf(invoice).feeCreditedCents;
  return invoice.fees.map((fee) => ({
    id: fee.id,
    amountCents: fee.amountCents,
    preciseCouponsAmountCents: fee.preciseCouponsAmountCents ?? "0",
    taxes: fee.taxCodes.flatMap((code) => {
      const rate = rates.get(code);
      return rate === undefined ? [] : [{ code, rate }];
    }),
    creditedAmountCents: credited[fee.id] ?? 0,
  }));
}

/** The invoice as a new credit note's limits read it. */
export function invoiceCreditState(invoice: Invoice): InvoiceCreditState {
  const notes = creditNotesOf(invoice);
  return {
    fees: creditableFees(invoice),
    totalAmountCents: invoice.totalAmountCents,
    totalPaidAmountCents: invoice.totalPaidAmountCents ?? 0,
    paymentStatus: invoice.paymentStatus,
    creditedAmountCents: notes.creditAmountCents,
    refundedAmountCents: notes.refundAmountCents,
    offsetAmountCents: notes.offsetAmountCents,
  };
}

/** The earlier notes' roundings, for `creditNoteAmounts`. */
export const earlierCreditNotes = (
  invoice: Pick<Invoice, "creditNotes">,
): readonly EarlierCreditNoteRounding[] => creditNotesOf(invoice).roundings;

/** What the invoice's credit notes add up to once one more, with these amounts and split, is made. */
export function withCreditNote(
  invoice: Pick<Invoice, "creditNotes">,
  amounts: CreditNoteAmounts,
  split: CreditNoteSplit,
): InvoiceCreditNotesRecord {
  const notes = creditNotesOf(invoice);
  const feeCreditedCents: Record<string, number> = { ...notes.feeCreditedCents };
  for (const item of amounts.items)
    feeCreditedCents[item.fee.id] = (feeCreditedCents[item.fee.id] ?? 0) + item.amountCents;
  return {
    ...(notes.keys ? { keys: notes.keys } : {}),
    count: notes.count + 1,
    creditAmountCents: notes.creditAmountCents + split.creditAmountCents,
    refundAmountCents: notes.refundAmountCents + split.refundAmountCents,
    offsetAmountCents: notes.offsetAmountCents + split.offsetAmountCents,
    feeCreditedCents,
    roundings: [
      ...notes.roundings,
      {
        subTotalExcludingTaxesAmountCents: amounts.subTotalExcludingTaxesAmountCents,
        preciseSubTotalExcludingTaxesAmountCents: amounts.preciseSubTotalExcludingTaxesAmountCents,
        taxesAmountCents: amounts.taxesAmountCents,
        preciseTaxesAmountCents: amounts.preciseTaxesAmountCents,
      },
    ],
  };
}

/** Whether a note made under `key` (see `withCreditNoteKey`) is among the invoice's already. */
export const hasCreditNoteKey = (invoice: Pick<Invoice, "creditNotes">, key: string): boolean =>
  creditNotesOf(invoice).keys?.includes(key) ?? false;

/**
 * The invoice's credit note sums with `key` among them: written in the note's own transaction, so
 * the note and its mark are made together or not at all.
 */
export const withCreditNoteKey = (
  record: InvoiceCreditNotesRecord,
  key: string,
): InvoiceCreditNotesRecord => ({ ...record, keys: [...(record.keys ?? []), key] });
