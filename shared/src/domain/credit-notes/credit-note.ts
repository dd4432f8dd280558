/** A credit note as plain data. Amounts are integer minor units of `currency`. */

export const CREDIT_NOTE_REASONS = [
  "duplicated_charge",
  "product_unsatisfactory",
  "order_change",
  "order_cancellation",
  "fraudulent_charge",
  "other",
] as const;
export type CreditNoteReason = (typeof CREDIT_NOTE_REASONS)[number];

/** What is left of its credit: usable by later invoices, used up, or cancelled. */
export type CreditStatus = "available" | "consumed" | "voided";
export type RefundStatus = "pending" | "succeeded" | "failed";

/** Why it was made: asked for (`POST /credit_notes`), a termination's unused days, or a void. */
export type CreditNoteOrigin = "manual" | "termination" | "void";

/** The pre-tax amount a credit note takes from one fee of its invoice. */
export interface CreditNoteItem {
  readonly id: string;
  readonly feeId: string;
  readonly amountCents: number;
}

/** One tax of a credit note, on its items less their coupon share. */
export interface CreditNoteTax {
  readonly id: string;
  readonly taxId: string;
  readonly taxCode: string;
  readonly taxName: string;
  readonly taxDescription: string | null;
  /** Percent, decimal string. */
  readonly taxRate: string;
  readonly baseAmountCents: number;
  readonly amountCents: number;
}

export interface CreditNote {
  readonly id: string;
  readonly organizationId: string;
  readonly invoiceId: string;
  readonly invoiceNumber: string;
  readonly customerId: string;
  readonly externalCustomerId: string;
  /** Its place among its invoice's credit notes, from 1. */
  readonly sequentialId: number;
  /** `<invoice number>-CN<sequential id, 3 digits>`. */
  readonly number: string;
  /** The customer's local date it was made on. */
  readonly issuingDate: string;
  readonly origin: CreditNoteOrigin;
  readonly reason: CreditNoteReason;
  readonly description: string | null;
  readonly currency: string;
  /** Null when it credits nothing (refund or offset only). */
  readonly creditStatus: CreditStatus | null;
  /** Null when it refunds nothing. */
  readonly refundStatus: RefundStatus | null;
  readonly items: readonly CreditNoteItem[];
  readonly appliedTaxes: readonly CreditNoteTax[];
  readonly couponsAdjustmentAmountCents: number;
  readonly preciseCouponsAdjustmentAmountCents: string;
  readonly subTotalExcludingTaxesAmountCents: number;
  readonly preciseSubTotalExcludingTaxesAmountCents: string;
  readonly taxesAmountCents: number;
  readonly preciseTaxesAmountCents: string;
  /** Percent, decimal string. */
  readonly taxesRate: string;
  readonly totalAmountCents: number;
  readonly creditAmountCents: number;
  readonly refundAmountCents: number;
  readonly offsetAmountCents: number;
  /** What is left of its credit for later invoices. */
  readonly balanceAmountCents: number;
  readonly createdAt: string;
  readonly updatedAt: string;
  readonly voidedAt: string | null;
  readonly refundedAt: string | null;
  /** Lago's key/value metadata, in the order set. */
  readonly metadata: Readonly<Record<string, string | null>>;
}

/** Lago's credit note numbers: the invoice's number and the note's place, `…-CN001`. */
export const creditNoteNumber = (invoiceNumber: string, sequentialId: number): string =>
  `${invoiceNumber}-CN${String(sequentialId).padStart(3, "0")}`;

/** A credit note made with a credit is `available`; without one it has no credit status. */
export const initialCreditStatus = (creditAmountCents: number): CreditStatus | null =>
  creditAmountCents > 0 ? "available" : null;

export const initialRefundStatus = (refundAmountCents: number): RefundStatus | null =>
  refundAmountCents > 0 ? "pending" : null;

/**
 * Why a credit note cannot be voided (`PUT /credit_notes/{id}/void`), as Lago refuses it: only one
 * not voided yet with a balance left; undefined when it can be.
 */
export function creditNoteVoidRefusal(note: Pick<CreditNote, "creditStatus" | "balanceAmountCents">) {
  if (note.creditStatus === "voided" || note.balanceAmountCents <= 0) return "no_voidable_amount" as const;
  return undefined;
}

/** The note voided at `now`: its credit cancelled and its balance gone; refunds stand. */
export function voidedCreditNote(note: CreditNote, now: string): CreditNote {
  return { ...note, creditStatus: "voided", balanceAmountCents: 0, voidedAt: now, updatedAt: now };
}
