/**
 * Manual payments of an invoice (`POST /payments`) and what they do to it, as Lago's
 * `Payments::ManualCreateService`: only a finalized invoice takes one; its amount is a positive
 * integer of minor units no larger than what is still due; the invoice's paid total grows, and
 * once it reaches the total the payment status is `succeeded` and the invoice no longer overdue.
 * Pure: `now` comes in as an argument.
 */
import type { Invoice } from "../invoice.js";

/** Lago's length limit on a manual payment's reference (`Payment` validates at most 40). */
export const MAX_PAYMENT_REFERENCE_LENGTH = 40;

/**
 * What is still due on an invoice: its total less what was paid and what credit notes offset,
 * never below 0; nothing once voided.
 */
export function totalDueAmountCents(
  invoice: Pick<Invoice, "status" | "totalAmountCents" | "totalPaidAmountCents" | "creditNotes">,
): number {
  if (invoice.status === "voided") return 0;
  const offset = invoice.creditNotes?.offsetAmountCents ?? 0;
  return Math.max(0, invoice.totalAmountCents - (invoice.totalPaidAmountCents ?? 0) - offset);
}

/** Why Lago refuses a manual payment of `amountCents` on the invoice, or null when it takes it. */
export type PaymentRefusal =
  /** 403: Lago takes manual payments of finalized invoices only (`allow_manual_payment?`). */
  | { readonly kind: "forbidden" }
  /** 422 `amount_cents: ["value_is_out_of_range"]`: more than is still due (Lago's `greater_than`). */
  | { readonly kind: "invalid"; readonly field: "amount_cents"; readonly code: "value_is_out_of_range" };

export function paymentRefusal(
  invoice: Pick<Invoice, "status" | "totalAmountCents" | "totalPaidAmountCents" | "creditNotes">,
  amountCents: number,
): PaymentRefusal | null {
  if (invoice.status !== "finalized") return { kind: "forbidden" };
  if (amountCents > totalDueAmountCents(invoice))
    return { kind: "invalid", field: "amount_cents", code: "value_is_out_of_range" };
  return null;
}

/**
 * The invoice after a payment of `amountCents` at `now`: its paid total grows; paid in full, its
 * payment status becomes `succeeded` and it is no longer overdue (Lago's `Invoices::UpdateService`).
 */
export function paidInvoice<T extends Invoice>(invoice: T, amountCents: number, now: string): T {
  const totalPaidAmountCents = (invoice.totalPaidAmountCents ?? 0) + amountCents;
  const settled = totalPaidAmountCents >= invoice.totalAmountCents;
  return {
    ...invoice,
    totalPaidAmountCents,
    updatedAt: now,
    ...(settled ? { paymentStatus: "succeeded", paymentOverdue: false } : {}),
  };
}
