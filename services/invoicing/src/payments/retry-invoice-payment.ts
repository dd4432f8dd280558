import { collectionKey } from "#shared/domain/invoices/payment-collection.js";
import { publishInvoiceEvents } from "../invoices/publish-invoice-events.js";
import { type CollectionDeps, collectInvoicePayment } from "./collect-invoice-payment.js";
import type { PaymentDeps } from "./record-payment.js";

export type RetryPaymentOutcome =
  | { readonly kind: "started" }
  | {
      readonly kind: "refused";
      readonly code: "invalid_status" | "payment_processor_is_currently_handling_payment";
    }
  | { readonly kind: "not_found" };

/**
 * `POST /invoices/{id}/retry_payment` at `nowMs` (epoch ms of the request), as Lago's
 * `Invoices::Payments::RetryService`: a draft, a voided invoice or one already paid is 405
 * `invalid_status`; otherwise the customer's payment provider is asked to collect it.
 *
 * One collection at a time: the attempt is claimed on the invoice first, by a conditional write
 * (a lease of 15 minutes), so of concurrent retries one collects and the others answer 405
 * `payment_processor_is_currently_handling_payment`, as Lago does while a payment is being
 * processed. A collection the provider answers later (its webhook) keeps the claim until then;
 * any other end releases it, and a failure is kept on the invoice with `invoice.payment_failure`
 * owed in the same write, published once. Each attempt has its own idempotency key at the
 * provider. A retry that dies between the claim and its end leaves the claim to run out; nothing
 * is owed twice.
 */
export async function retryInvoicePayment(
  deps: PaymentDeps & Pick<CollectionDeps, "provider" | "collections">,
  organizationId: string,
  invoiceId: string,
  nowMs: number,
): Promise<RetryPaymentOutcome> {
  const stored = await deps.invoices.get(organizationId, invoiceId);
  if (!stored) return { kind: "not_found" };
  if (stored.status !== "finalized" || stored.paymentStatus === "succeeded")
    return { kind: "refused", code: "invalid_status" };
  const claim = await deps.invoices.claimCollection(organizationId, invoiceId, nowMs);
  if (!claim) {
    const now = await deps.invoices.get(organizationId, invoiceId);
    // Paid or voided meanwhile, else another collection holds it.
    if (now?.status !== "finalized" || now.paymentStatus === "succeeded")
      return { kind: "refused", code: "invalid_status" };
    return { kind: "refused", code: "payment_processor_is_currently_handling_payment" };
  }
  const claimed = { ...stored, collectionLeaseUntil: claim.leaseUntil };
  const owes = await collectInvoicePayment(
    deps,
    claimed,
    claim,
    collectionKey(invoiceId, { kind: "retry", attempt: claim.attempt }),
    new Date(nowMs).toISOString(),
  );
  if (owes) await publishInvoiceEvents(deps, organizationId, invoiceId);
  return { kind: "started" };
}
