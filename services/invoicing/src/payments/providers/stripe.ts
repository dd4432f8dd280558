/**
 * The Stripe adapter of the payment provider port, through Stripe's official SDK, as Lago's
 * `PaymentProviders::Stripe::Payments::CreateService` collects an invoice: one PaymentIntent,
 * confirmed off-session, for what is due in the invoice's currency (in Stripe's units), on the
 * customer's Stripe customer and its default payment method (its `invoice_settings` default, else
 * its default source, else the first of its payment methods), described and tagged with Lago's
 * metadata, under the collection's idempotency key, so a repeated call never charges twice.
 */
import Stripe from "stripe";
import { totalDueAmountCents } from "#shared/domain/invoices/manual-payment.js";
import type { CustomerPaymentProvider } from "#shared/domain/payments/customer-payment-provider.js";
import { fromStripeAmount, toStripeAmount } from "#shared/domain/payments/stripe-amount.js";
import { type StripeAccount, stripeAccount } from "#shared/platform/stripe-account.js";
import type { PaymentFailureRecord } from "../../store/invoice-store.js";
import type { CollectionOutcome, CollectionRequest, PaymentProvider } from "../payment-provider.js";

/** Lago's redirect after an authentication when the connection has none of its own. */
const SUCCESS_REDIRECT_URL = "https://stripe.com/";
/** Lago's Stripe codes for which it keeps the invoice pending and tells nothing. */
const SILENT_ERROR_CODES = new Set(["amount_too_small"]);

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
  };
}
