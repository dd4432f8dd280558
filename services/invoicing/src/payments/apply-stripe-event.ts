import type Stripe from "stripe";
import { fromStripeAmount } from "#shared/domain/payments/stripe-amount.js";
import { applyRefundUpdate } from "../credit-notes/apply-refund-update.js";
import { publishInvoiceEvents } from "../invoices/publish-invoice-events.js";
import { InvoiceContendedError, type StoredInvoice } from "../store/invoice-store.js";
import { collectionStores, invoiceCustomer, recordProviderPayment } from "./collect-invoice-payment.js";
import { stripeFailure } from "./providers/stripe.js";
import type { PaymentDeps } from "./record-payment.js";
import { stripeRefundUpdate } from "./stripe-refund-event.js";

export type StripeEventOutcome =
  /** The invoice's payment changed (and what it owes is published). */
  | { readonly kind: "applied" }
  /** Not ours, not known, or already applied: nothing changed. */
  | { readonly kind: "ignored" }
  /** It names a collection whose start is not recorded yet: Stripe is to send it again. */
  | { readonly kind: "too_early" };

/** Attempts of recording a failure while the invoice keeps moving (other payments, events). */
const MAX_ATTEMPTS = 8;

/** The PaymentIntent an event is about, when it is one of the two Lago reads for invoices. */
function paymentIntentOf(event: Stripe.Event): Stripe.PaymentIntent | undefined {
  if (event.type !== "payment_intent.succeeded" && event.type !== "payment_intent.payment_failed")
    return undefined;
  return event.data.object;
}

/**
 * A verified Stripe event of the organization's webhook at `now`, as Lago's
 * `PaymentIntentSucceededService` and `PaymentIntentPaymentFailedService` read it: the invoice is
 * the one the PaymentIntent's metadata names (`lago_invoice_id`), in this organization only.
 * `payment_intent.succeeded` records the provider's payment, and the invoice, paid in full, is
 * `succeeded` with `invoice.payment_status_updated`; `payment_intent.payment_failed` of the
 * collection the invoice waits for makes it `failed`, with `invoice.payment_failure` carrying
 * Stripe's message and code. An invoice already paid, voided, unknown or of another organization,
 * or a failure of a collection the invoice no longer waits for, changes nothing: a redelivered or
 * late event is applied once at most. A refund's update is its credit note's (`applyRefundUpdate`).
 */
export async function applyStripeEvent(
  deps: PaymentDeps,
  organizationId: string,
  event: Stripe.Event,
  now: string,
): Promise<StripeEventOutcome> {
  // A refund's later outcome (`charge.refund.updated`, `refund.updated`) is its credit note's.
  const refund = stripeRefundUpdate(event);
  if (refund) return { kind: await applyRefundUpdate(deps, organizationId, refund, now) };
  const intent = paymentIntentOf(event);
  const invoiceId = intent?.metadata?.lago_invoice_id;
  if (!intent || !invoiceId) return { kind: "ignored" };
  const named = intent.metadata.lago_organization_id;
  if (named !== undefined && named !== organizationId) return { kind: "ignored" };
  let read = await deps.invoices.get(organizationId, invoiceId);
  const isOurs = (invoice: StoredInvoice | undefined): invoice is StoredInvoice =>
    invoice !== undefined &&
    invoice.status === "finalized" &&
    invoice.paymentStatus !== "succeeded" &&
    intent.currency.toUpperCase() === invoice.currency.toUpperCase();
  if (!isOurs(read)) return { kind: "ignored" };
  const customer = await invoiceCustomer(deps, read);
  const provider = customer?.paymentProvider;
  const providerCustomerId =
    (typeof intent.customer === "string" ? intent.customer : intent.customer?.id) ??
    provider?.providerCustomerId ??
    "";
  if (event.type === "payment_intent.succeeded") {
    const owes = await recordProviderPayment(
      deps,
      read,
      {
        provider: "stripe",
        code: provider?.code ?? "stripe",
        providerCustomerId,
        providerPaymentId: intent.id,
        amountCents: fromStripeAmount(intent.amount_received || intent.amount, read.currency),
      },
      now,
    );
    if (owes) await publishInvoiceEvents(deps, organizationId, invoiceId);
    return owes ? { kind: "applied" } : { kind: "ignored" };
  }
  const { collections } = collectionStores(deps);
  const error = intent.last_payment_error;
  const failure = stripeFailure(
    {
      provider: "stripe",
      code: provider?.code ?? "stripe",
      providerCustomerId,
      syncWithProvider: false,
      paymentMethods: [],
    },
    { message: error?.message ?? null, code: error?.code ?? null },
    { code: error?.code ?? null, message: error?.message ?? null, decline_code: error?.decline_code ?? null },
  );
  for (let attempt = 0; attempt < MAX_ATTEMPTS; attempt++) {
    if (!isOurs(read)) return { kind: "ignored" };
    if (read.collectionPaymentId !== intent.id)
      // Claimed and not yet told which PaymentIntent it started: the collection's answer is on its
      // way; Stripe sends the event again later. Otherwise it is not the collection waited for.
      return read.collectionLeaseUntil !== undefined && read.collectionPaymentId === undefined
        ? { kind: "too_early" }
        : { kind: "ignored" };
    const failed = { ...read, paymentStatus: "failed" as const, updatedAt: now };
    if (await collections.fail(read, failed, failure, { paymentId: intent.id })) {
      await publishInvoiceEvents(deps, organizationId, invoiceId);
      return { kind: "applied" };
    }
    read = await deps.invoices.get(organizationId, invoiceId);
  }
  throw new InvoiceContendedError(invoiceId);
}
