/**
 * When an invoice's payment is collected from its customer's payment provider without being asked
 * (Lago's `Invoices::Payments::CreateService` after each finalization): a finalized invoice with
 * something still due. Whether the customer has a provider is the collection's to find out. Pure.
 */
import type { Invoice } from "../invoice.js";
import { totalDueAmountCents } from "./manual-payment.js";

export function owesCollectionOnceFinalized(
  invoice: Pick<Invoice, "status" | "paymentStatus" | "totalAmountCents" | "totalPaidAmountCents">,
): boolean {
  return (
    invoice.status === "finalized" &&
    invoice.paymentStatus !== "succeeded" &&
    totalDueAmountCents(invoice) > 0
  );
}

/**
 * The idempotency key of one collection at the provider: the collection owed by a finalization has
 * one key whoever carries it out and however often (a crash, a lease that ran out), and each
 * `retry_payment` attempt its own, so a repeated call of one collection never charges twice.
 */
export function collectionKey(
  invoiceId: string,
  collection: { readonly kind: "finalization" } | { readonly kind: "retry"; readonly attempt: number },
): string {
  return collection.kind === "finalization"
    ? `lago-invoice-${invoiceId}-finalization`
    : `lago-invoice-${invoiceId}-attempt-${collection.attempt}`;
}
