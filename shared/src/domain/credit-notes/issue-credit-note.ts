/**
 * A new credit note on an invoice (`POST /credit_notes`, a termination, a void): its amounts from
 * its items, its split checked against the invoice's limits with Lago's error codes, and the
 * invoice's credit note sums once it is made. Pure: ids and `now` come in as arguments.
 */
import type { Invoice, InvoiceCreditNotesRecord } from "../invoice.js";
import { localDate } from "../periods.js";
import {
  type CreditNote,
  type CreditNoteOrigin,
  type CreditNoteReason,
  creditNoteNumber,
  initialCreditStatus,
  initialRefundStatus,
} from "./credit-note.js";
import {
  type CreditNoteAmounts,
  type CreditNoteItemInput,
  type CreditNoteItemsError,
  creditNoteAmounts,
} from "./credit-note-amounts.js";
import {
  type CreditNoteSplit,
  type CreditNoteSplitErrors,
  creditNoteSplitErrors,
  invoiceCreditableAmountCents,
  invoiceDueAmountCents,
  invoiceRefundableAmountCents,
  settleCreditNoteSplit,
} from "./credit-note-limits.js";
import {
  creditableFees,
  earlierCreditNotes,
  invoiceCreditState,
  withCreditNote,
} from "./invoice-credit-state.js";

export interface CreditNoteRequest {
  readonly origin: CreditNoteOrigin;
  readonly reason: CreditNoteReason;
  readonly description: string | null;
  readonly items: readonly CreditNoteItemInput[];
  readonly split: CreditNoteSplit;
  readonly metadata: Readonly<Record<string, string | null>>;
}

export type CreditNoteRefusal =
  /** Lago's 405: credit notes are made on finalized (or voided) invoices only. */
  | { readonly kind: "not_allowed"; readonly code: "invalid_type_or_status" }
  | { readonly kind: "fee_not_found" }
  | {
      readonly kind: "invalid";
      readonly errors: CreditNoteSplitErrors | { readonly amount_cents: string[] };
    };

export type IssuedCreditNote =
  | {
      readonly ok: true;
      readonly creditNote: CreditNote;
      readonly invoiceCreditNotes: InvoiceCreditNotesRecord;
    }
  | { readonly ok: false; readonly refusal: CreditNoteRefusal };

const itemsRefusal = (error: CreditNoteItemsError): CreditNoteRefusal =>
  error.kind === "fee_not_found"
    ? { kind: "fee_not_found" }
    : { kind: "invalid", errors: { amount_cents: [error.code] } };

/** Lago makes credit notes on invoices that were issued: finalized, or voided since. */
export const mayCredit = (invoice: Pick<Invoice, "status">): boolean =>
  invoice.status === "finalized" || invoice.status === "voided";

/** The items' amounts of a credit note on the invoice, or why its items are refused. */
export function creditNoteItemsAmounts(
  invoice: Invoice,
  items: readonly CreditNoteItemInput[],
): { ok: true; amounts: CreditNoteAmounts } | { ok: false; refusal: CreditNoteRefusal } {
  if (!mayCredit(invoice))
    return { ok: false, refusal: { kind: "not_allowed", code: "invalid_type_or_status" } };
  const computed = creditNoteAmounts(
    { fees: creditableFees(invoice), earlierCreditNotes: earlierCreditNotes(invoice) },
    items,
  );
  return computed.ok ? computed : { ok: false, refusal: itemsRefusal(computed.error) };
}

/**
 * The credit note `request` makes on `invoice` at `now`, numbered after the invoice's earlier
 * notes (`<invoice number>-CN00n`), issued on the customer's local date, with the invoice's credit
 * note sums once it is made; or why it is refused (nothing is made then).
 */
export function issueCreditNote(
  invoice: Invoice,
  request: CreditNoteRequest,
  ids: {
    readonly creditNoteId: (sequentialId: number) => string;
    readonly itemId: (index: number) => string;
    readonly taxId: (code: string) => string;
  },
  now: string,
): IssuedCreditNote {
  const computed = creditNoteItemsAmounts(invoice, request.items);
  if (!computed.ok) return computed;
  const { amounts } = computed;
  const state = invoiceCreditState(invoice);
  const errors = creditNoteSplitErrors(state, amounts.totalAmountCents, request.split);
  if (Object.keys(errors).length > 0) return { ok: false, refusal: { kind: "invalid", errors } };
  const split = settleCreditNoteSplit(amounts.totalAmountCents, request.split);

  const record = withCreditNote(invoice, amounts, split);
  const sequentialId = record.count;
  const taxes = new Map(invoice.appliedTaxes.map((tax) => [tax.taxCode, tax]));
  const creditNote: CreditNote = {
    id: ids.creditNoteId(sequentialId),
    organizationId: invoice.organizationId,
    invoiceId: invoice.id,
    invoiceNumber: invoice.number,
    customerId: invoice.customerId,
    externalCustomerId: invoice.externalCustomerId,
    sequentialId,
    number: creditNoteNumber(invoice.number, sequentialId),
    issuingDate: localDate(now, invoice.timezone),
    origin: request.origin,
    reason: request.reason,
    description: request.description,
    currency: invoice.currency,
    creditStatus: initialCreditStatus(split.creditAmountCents),
    refundStatus: initialRefundStatus(split.refundAmountCents),
    items: amounts.items.map((item, index) => ({
      id: ids.itemId(index),
      feeId: item.fee.id,
      amountCents: item.amountCents,
    })),
    appliedTaxes: amounts.appliedTaxes.map((tax) => {
      const applied = taxes.get(tax.code);
      return {
        id: ids.taxId(tax.code),
        taxId: applied?.taxId ?? tax.code,
        taxCode: tax.code,
        taxName: applied?.taxName ?? tax.code,
        taxDescription: applied?.taxDescription ?? null,
        taxRate: tax.rate,
        baseAmountCents: tax.baseAmountCents,
        amountCents: tax.amountCents,
      };
    }),
    couponsAdjustmentAmountCents: amounts.couponsAdjustmentAmountCents,
    preciseCouponsAdjustmentAmountCents: amounts.preciseCouponsAdjustmentAmountCents,
    subTotalExcludingTaxesAmountCents: amounts.subTotalExcludingTaxesAmountCents,
    preciseSubTotalExcludingTaxesAmountCents: amounts.preciseSubTotalExcludingTaxesAmountCents,
    taxesAmountCents: amounts.taxesAmountCents,
    preciseTaxesAmountCents: amounts.preciseTaxesAmountCents,
    taxesRate: amounts.taxesRate,
    totalAmountCents: amounts.totalAmountCents,
    creditAmountCents: split.creditAmountCents,
    refundAmountCents: split.refundAmountCents,
    offsetAmountCents: split.offsetAmountCents,
    balanceAmountCents: split.creditAmountCents,
    createdAt: now,
    updatedAt: now,
    voidedAt: null,
    refundedAt: null,
    metadata: request.metadata,
  };
  return { ok: true, creditNote, invoiceCreditNotes: record };
}

/** Lago's estimate of a credit note for items: its amounts and what it could credit, refund, offset. */
export interface CreditNoteEstimate {
  readonly amounts: CreditNoteAmounts;
  readonly maxCreditableAmountCents: number;
  readonly maxRefundableAmountCents: number;
  readonly maxOffsettableAmountCents: number;
}

/**
 * What a credit note for `items` would come to (`POST /credit_notes/estimate`): its amounts, the
 * most it can credit (the items' worth, taxes included), refund (within what was paid and not
 * refunded) and offset (within what is due and creditable).
 */
export function estimateCreditNote(
  invoice: Invoice,
  items: readonly CreditNoteItemInput[],
): { ok: true; estimate: CreditNoteEstimate } | { ok: false; refusal: CreditNoteRefusal } {
  const computed = creditNoteItemsAmounts(invoice, items);
  if (!computed.ok) return computed;
  const { amounts } = computed;
  const state = invoiceCreditState(invoice);
  const creditable = Math.min(amounts.totalAmountCents, invoiceCreditableAmountCents(state));
  return {
    ok: true,
    estimate: {
      amounts,
      maxCreditableAmountCents: amounts.totalAmountCents,
      maxRefundableAmountCents: Math.min(amounts.totalAmountCents, invoiceRefundableAmountCents(state)),
      maxOffsettableAmountCents: Math.max(0, Math.min(creditable, invoiceDueAmountCents(state))),
    },
  };
}
