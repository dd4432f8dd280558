/**
 * A draft's finalization: it takes its number and is issued again. Lago refreshes the draft first
 * (`Invoices::RefreshDraftAndFinalizeService`), so `draft` is the refreshed one; its amounts never
 * change after this. Pure: `now`, the timezone and the number come in as arguments.
 */
import type { Invoice } from "../invoice.js";
import { finalizationDates } from "./issuing-dates.js";

/** Only a draft is finalized; Lago's finalize route finds nothing else (404). */
export function mayFinalize(invoice: Pick<Invoice, "status">): boolean {
  return invoice.status === "draft";
}

export interface Finalization {
  readonly now: string;
  /** The customer's applicable timezone: the issuing date is its local date of `now`. */
  readonly timezone: string;
  readonly netPaymentTermDays: number;
}

/** The dates the invoice is issued with, which its number may show (per-organization numbering). */
export function finalizationIssuingDate(finalization: Finalization): string {
  return finalizationDates(finalization.now, finalization.timezone, finalization.netPaymentTermDays)
    .issuingDate;
}

/** The draft finalized with `sequentialId` and the number printed from it. */
export function finalizedInvoice(
  draft: Invoice,
  finalization: Finalization,
  numbered: { readonly sequentialId: number; readonly number: string },
): Invoice {
  if (!mayFinalize(draft)) throw new Error(`invoice ${draft.id} is ${draft.status}, not a draft`);
  return {
    ...draft,
    ...finalizationDates(finalization.now, finalization.timezone, finalization.netPaymentTermDays),
    status: "finalized",
    sequentialId: numbered.sequentialId,
    number: numbered.number,
    finalizedAt: finalization.now,
    updatedAt: finalization.now,
  };
}
