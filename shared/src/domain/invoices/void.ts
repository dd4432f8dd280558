/**
 * Voiding an invoice (`POST /invoices/{id}/void`). Lago's rule up to mid-2025 (`Invoice#voidable?`):
 * only a finalized invoice whose payment is pending or failed, with no credit note still crediting
 * it; a draft, a voided or a paid invoice answers 405 `not_voidable`. With `generate_credit_note`
 * any finalized invoice is voided, paid or not, and credit notes take what it had to credit
 * (`void-with-credit-notes.ts`). Pure: `now` comes in as an argument.
 */
import type { CreditNote } from "../credit-notes/credit-note.js";
import type { Invoice } from "../invoice.js";

/**
 * Lago's 405 code when an invoice cannot be voided, or null when it can, given its credit notes.
 * A note with a credit status other than voided blocks it; one that credits nothing (a refund or
 * an offset only, no credit status) does not, as Lago's query of them skips those.
 */
export function voidRefusal(
  invoice: Pick<Invoice, "status" | "paymentStatus">,
  creditNotes: readonly Pick<CreditNote, "creditStatus">[] = [],
): "not_voidable" | null {
  if (forcedVoidRefusal(invoice)) return "not_voidable";
  if (creditNotes.some((note) => note.creditStatus !== null && note.creditStatus !== "voided"))
    return "not_voidable";
  return invoice.paymentStatus === "pending" || invoice.paymentStatus === "failed" ? null : "not_voidable";
}

/** Lago's 405 code when an invoice cannot be voided even with `generate_credit_note`: a draft or a voided one. */
export function forcedVoidRefusal(invoice: Pick<Invoice, "status">): "not_voidable" | null {
  return invoice.status === "finalized" ? null : "not_voidable";
}

/** The invoice voided at `now`: nothing is due on it any more. */
export function voidedInvoice(invoice: Invoice, now: string): Invoice {
  if (forcedVoidRefusal(invoice)) throw new Error(`invoice ${invoice.id} cannot be voided`);
  return { ...invoice, status: "voided", voidedAt: now, updatedAt: now };
}

/** What is still due on an invoice: its total less what was paid; nothing once voided. */
export { totalDueAmountCents } from "./manual-payment.js";
