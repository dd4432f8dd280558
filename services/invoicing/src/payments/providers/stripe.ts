/**
 * The Stripe adapter of the payment provider port, through Stripe's official SDK, as Lago's
 * `PaymentProviders::Stripe::Payments::CreateService` collects an invoice: one PaymentIntent,
 * confirmed off-session, for what is due in the invoice's currency (in Stripe's units), on the
 * customer's Stripe customer and its default payment method (its `invoice_settings` default, else
 * its default source, else the first of its payment methods), described and tagged with Lago's
 * metadata, under the collection's idempotency key, so a repeated call never charges twice.
 */
import Stripe from "stripe";
import type { CreditNoteReason } from "#shared/domain/credit-notes/credit-note.js";
import { totalDueAmountCents } from "#shared/domain/invoices/manual-payment.js";
import type { CustomerPaymentProvider } from "#shared/domain/payments/customer-payment-provider.js";
import { fromStripeAmount, toStripeAmount } from "#shared/domain/payments/stripe-amount.js";
import { type StripeAccount, stripeAccount } from "#shared/platform/stripe-account.js";
import type { PaymentFailureRecord } from "../../store/invoice-store.js";
import type { ProviderPaymentDetails } from "../../store/payment-store.js";
import type {
  CollectionOutcome,
  CollectionRequest,
  PaymentProvider,
  RefundFailureRecord,
  RefundOutcome,
  RefundRequest,
} from "../payment-provider.js";

/** Lago's redirect after an authentication when the connection has none of its own. */
const SUCCESS_REDIRECT_URL = "https://stripe.com/";
/** Lago's Stripe codes for which it keeps the invoice pending and tells nothing. */
const SILENT_ERROR_CODES = new Set(["amount_too_small"]);

/** Lago's message of a refund Stripe took and then failed (it has no Stripe error to quote). */
export const REFUND_FAILED_MESSAGE = "Payment refund failed";

/** A PaymentIntent's status as Lago's `StripeProvider` reads it. */
export function paymentIntentOutcome(status: string): "succeeded" | "failed" | "processing" {
  if (status === "succeeded") return "succeeded";
  if (status === "canceled" || status === "requires_payment_method") return "failed";
  return "processing";
}

/** What Lago's `invoice.payment_failure` carries of a Stripe failure. */
export function stripeFailure(
  provider: CustomerPaymentProvider,
  error: { readonly message: string | null; readonly code: string | null },
  details: Readonly<Record<string, unknown>>,
): PaymentFailureRecord {
  return {
    paymentProvider: "stripe",
    paymentProviderCode: provider.code,
    providerCustomerId: provider.providerCustomerId,
    providerError: { message: error.message, error_code: error.code },
    errorDetails: details,
  };
}

/** The payment method Lago charges: the customer's default, else its first payment method. */
/**
 * The Stripe refund reason of a credit note's reason, as Lago's `CreditNotes::Refunds::StripeService`
 * maps it; `other` has none (Lago sends no reason for it).
 */
export function stripeRefundReason(reason: CreditNoteReason): Stripe.RefundCreateParams.Reason | undefined {
  if (reason === "duplicated_charge") return "duplicate";
  if (reason === "fraudulent_charge") return "fraudulent";
  if (reason === "other") return undefined;
  return "requested_by_customer";
}

/**
 * A refund's status as the note's refund status: Stripe's `failed` and `canceled` failed; its
 * `pending` and `requires_action` wait for its refund webhook.
 */
export function refundStatusOf(status: string | null): "succeeded" | "failed" | "pending" {
  if (status === "succeeded") return "succeeded";
  if (status === "failed" || status === "canceled") return "failed";
  return "pending";
}

/**
 * What Lago's `credit_note.refund_failure` carries of a refused Stripe refund: the customer's
 * provider and code (the payment's when the customer has none now), the refunded payment's
 * provider customer, and Stripe's message and code.
 */
export function stripeRefundFailure(
  customerProvider: CustomerPaymentProvider | null | undefined,
  payment: ProviderPaymentDetails | undefined,
  error: { readonly message: string | null; readonly code: string | null },
): RefundFailureRecord {
  return {
    paymentProvider: "stripe",
    paymentProviderCode: customerProvider?.code ?? payment?.code ?? null,
    providerCustomerId: payment?.providerCustomerId ?? customerProvider?.providerCustomerId ?? null,
    providerError: { message: error.message, error_code: error.code },
  };
}

async function paymentMethodOf(client: Stripe, customerId: string): Promise<string | undefined> {
  const customer = await client.customers.retrieve(customerId);
  if (!customer.deleted) {
    const preferred = customer.invoice_settings?.default_payment_method ?? customer.default_source;
    if (preferred) return typeof preferred === "string" ? preferred : preferred.id;
  }
  const methods = await client.customers.listPaymentMethods(customerId, { limit: 1 });
  return methods.data[0]?.id;
}

export function stripePaymentProvider(
  account: () => Promise<StripeAccount> = stripeAccount,
): PaymentProvider {
  return {
    async collect({
      invoice,
      customer,
      key,
      organizationName,
    }: CollectionRequest): Promise<CollectionOutcome> {
      const provider = customer?.paymentProvider;
      // Lago collects nothing for a customer with no Stripe customer yet, nor one with nothing due.
      if (!customer || !provider?.providerCustomerId) return { kind: "skipped" };
      const due = totalDueAmountCents(invoice);
      const amount = toStripeAmount(due, invoice.currency);
      if (due <= 0 || amount === undefined) return { kind: "skipped" };
      const { client } = await account();
      const paymentMethod = await paymentMethodOf(client, provider.providerCustomerId);
      // No instrument to charge: Lago skips the payment (the customer is to add one).
      if (!paymentMethod) return { kind: "skipped" };
      // Lago: Indian payments are not off-session (RBI rules), so they may ask for authentication.
      const offSession = customer.country !== "IN";
      try {
        const intent = await client.paymentIntents.create(
          {
            amount,
            currency: invoice.currency.toLowerCase(),
            customer: provider.providerCustomerId,
            payment_method: paymentMethod,
            // Lago's `payment_method_types`, which this API version calls allowed payment method types.
            allowed_payment_method_types:
              provider.paymentMethods as Stripe.PaymentIntentCreateParams.AllowedPaymentMethodType[],
            confirm: true,
            off_session: offSession,
            error_on_requires_action: offSession,
            return_url: SUCCESS_REDIRECT_URL,
            description: `${organizationName} - Invoice ${invoice.number}`,
            metadata: {
              lago_invoice_id: invoice.id,
              lago_customer_id: invoice.customerId,
              invoice_issuing_date: invoice.issuingDate,
              invoice_type: invoice.invoiceType,
              lago_payable_id: invoice.id,
              lago_payable_type: "Invoice",
              lago_organization_id: invoice.organizationId,
            },
          },
          { idempotencyKey: key },
        );
        const outcome = paymentIntentOutcome(intent.status);
        if (outcome === "succeeded")
          return {
            kind: "succeeded",
            payment: {
              provider: "stripe",
              code: provider.code,
              providerCustomerId: provider.providerCustomerId,
              providerPaymentId: intent.id,
              amountCents: fromStripeAmount(intent.amount_received || intent.amount, invoice.currency),
            },
          };
        if (outcome === "failed")
          return {
            kind: "failed",
            marksFailed: true,
            failure: stripeFailure(
              provider,
              {
                message: intent.last_payment_error?.message ?? null,
                code: intent.last_payment_error?.code ?? null,
              },
              {
                code: intent.last_payment_error?.code ?? null,
                message: intent.last_payment_error?.message ?? null,
              },
            ),
          };
        return { kind: "started", providerPaymentId: intent.id };
      } catch (error) {
        if (
          error instanceof Stripe.errors.StripeCardError ||
          error instanceof Stripe.errors.StripeInvalidRequestError ||
          error instanceof Stripe.errors.StripeAuthenticationError ||
          error instanceof Stripe.errors.StripePermissionError
        ) {
          if (error.code && SILENT_ERROR_CODES.has(error.code)) return { kind: "skipped" };
          return {
            kind: "failed",
            marksFailed: true,
            failure: stripeFailure(
              provider,
              { message: error.message, code: error.code ?? null },
              // Lago's `StripeErrorSerializer` of the error.
              {
                code: error.code ?? null,
                message: error.message,
                request_id: error.requestId ?? null,
                http_status: error.statusCode ?? null,
              },
            ),
          };
        }
        // Lago keeps the invoice pending on an idempotency conflict; others (rate limits, the
        // network, Stripe's own errors) are thrown: the collection is tried again with its key.
        if (error instanceof Stripe.errors.StripeIdempotencyError) return { kind: "skipped" };
        throw error;
      }
    },
    async refund({ creditNote, customer, payment, key }: RefundRequest): Promise<RefundOutcome> {
      const provider = customer?.paymentProvider;
      const paid = payment?.provider;
      // Lago refunds through Stripe only a Stripe customer's note with a Stripe payment to refund,
      // and never a refund that succeeded already.
      if (provider?.provider !== "stripe" || paid?.provider !== "stripe") return { kind: "skipped" };
      if (creditNote.refundAmountCents <= 0 || creditNote.refundStatus === "succeeded")
        return { kind: "skipped" };
      const amount = toStripeAmount(creditNote.refundAmountCents, creditNote.currency);
      // A three-decimal amount Stripe cannot take exactly: refused here rather than rounded.
      if (amount === undefined)
        return {
          kind: "failed",
          failure: stripeRefundFailure(provider, paid, {
            message: `Stripe cannot refund ${creditNote.refundAmountCents} minor units of ${creditNote.currency} exactly`,
            code: null,
          }),
        };
      const reason = stripeRefundReason(creditNote.reason);
      const { client } = await account();
      try {
        const refund = await client.refunds.create(
          {
            payment_intent: paid.providerPaymentId,
            amount,
            ...(reason ? { reason } : {}),
            metadata: {
              lago_customer_id: creditNote.customerId,
              lago_credit_note_id: creditNote.id,
              lago_invoice_id: creditNote.invoiceId,
            },
          },
          { idempotencyKey: key },
        );
        const status = refundStatusOf(refund.status);
        if (status === "failed")
          return {
            kind: "failed",
            // Lago's words for a refund Stripe failed after taking it; Stripe's reason as its code.
            failure: stripeRefundFailure(provider, paid, {
              message: REFUND_FAILED_MESSAGE,
              code: refund.failure_reason ?? null,
            }),
          };
        return { kind: status, providerRefundId: refund.id };
      } catch (error) {
        // Lago's refusals: the refund is failed and told (a charge not refundable among them).
        if (
          error instanceof Stripe.errors.StripeInvalidRequestError ||
          error instanceof Stripe.errors.StripeCardError
        )
          return {
            kind: "failed",
            failure: stripeRefundFailure(provider, paid, {
              message: error.message,
              code: error.code ?? null,
            }),
          };
        // Stripe's own errors, the network, rate limits, idempotency conflicts: the caller tries
        // again under the same key, which Stripe answers with the refund it made, if any.
        throw error;
      }
    },
  };
}
