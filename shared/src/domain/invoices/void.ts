/**
 * Voiding an invoice (`POST /invoices/{id}/void`). Lago's rule up to mid-2025 (`Invoice#voidable?`):
 * only a finalized invoice whose payment is pending or failed, with nothing paid; a draft, a voided
 * or a paid invoice answers 405 `not_voidable`. (Lago has since voided paid invoices too, paired
 * with a credit note for what was paid; credit notes are not part of this product yet, so a paid
 * invoice stays as it is.) Pure: `now` comes in as an argument.
 */
import type { Invoice } from "../invoice.js";

/** Lago's 405 code when an invoice cannot be voided, or null when it can. */
export function voidRefusal(invoice: Pick<Invoice, "status" | "paymentStatus">): "not_voidable" | null {
  if (invoice.status !== "finalized") return "not_voidable";
  return invoice.paymentStatus === "pending" || invoice.paymentStatus === "failed" ? null : "not_voidable";
}

/** The invoice voided at `now`: nothing is due on it any more. */
export function voidedInvoice(invoice: Invoice, now: string): Invoice {
  if (voidRefusal(invoice)) throw new Error(`invoice ${invoice.id} cannot be voided`);
  return { ...invoice, status: "voided", voidedAt: now, updatedAt: now };
}

/** What is still due on an invoice: its total less what was paid; nothing once voided. */
export { totalDueAmountCents } from "./manual-payment.js";
