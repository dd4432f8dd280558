import { stableUuid } from "#shared/platform/ids.js";
import { publishInvoiceEvents } from "../invoices/publish-invoice-events.js";
import { InvoiceContendedError } from "../store/invoice-store.js";
import { type PaymentProvider, paymentProviderOf } from "./payment-provider.js";
import type { PaymentDeps } from "./record-payment.js";

export type RetryPaymentOutcome =
  | { readonly kind: "started" }
  | {
      readonly kind: "refused";
      readonly code: "invalid_status" | "payment_processor_is_currently_handling_payment";
    }
  | { readonly kind: "not_found" };

/** Attempts of recording a collection's end while payments keep moving the invoice's event sequence. */
const MAX_END_ATTEMPTS = 8;

/**
 * `POST /invoices/{id}/retry_payment` at `nowMs` (epoch ms of the request), as Lago's
 * `Invoices::Payments::RetryService`: a draft, a voided invoice or one already paid is 405
 * `invalid_status`; otherwise the customer's payment provider is asked to collect it.
 *
 * One collection at a time: the attempt is claimed on the invoice first, by a conditional write
 * (a lease of 15 minutes), so of concurrent retries one collects and the others answer 405
 * `payment_processor_is_currently_handling_payment`, as Lago does while a payment is being
 * processed. The collection's end releases the claim, and a failure (no provider) is kept on the
 * invoice with `invoice.payment_failure` owed in the same write, published once. A retry that dies
 * between the claim and its end leaves the claim to run out; nothing is owed twice.
 */
export async function retryInvoicePayment(
  deps: PaymentDeps & {
    readonly provider?: (customer: Parameters<typeof paymentProviderOf>[0]) => PaymentProvider;
  },
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
  const customer = await deps.catalog.getCustomer(organizationId, stored.externalCustomerId);
  const provider = (deps.provider ?? paymentProviderOf)(customer);
  const outcome = await provider.collect(
    stored,
    customer?.id === stored.customerId ? customer : undefined,
    stableUuid("invoice-payment-attempt", invoiceId, String(claim.attempt)),
  );
  const failure = outcome.kind === "failed" ? outcome.failure : null;
  for (let attempt = 0; attempt < MAX_END_ATTEMPTS; attempt++) {
    const read = attempt === 0 ? stored : await deps.invoices.get(organizationId, invoiceId);
    if (!read) return { kind: "started" };
    if (await deps.invoices.endCollection(read, claim.leaseUntil, failure)) {
      if (failure) await publishInvoiceEvents(deps, organizationId, invoiceId);
      return { kind: "started" };
    }
    // The lease was lost (it ran out and another retry took over): that one records its own end.
    const again = await deps.invoices.get(organizationId, invoiceId);
    if (again?.collectionLeaseUntil !== claim.leaseUntil) return { kind: "started" };
  }
  throw new InvoiceContendedError(invoiceId);
}
