/**
 * The port through which invoicing collects an invoice's payment from its customer's payment
 * provider (`POST /invoices/{id}/retry_payment`). Each provider is an adapter; the only one now is
 * `none`, for customers without a provider (the catalog keeps none yet: customers answer
 * `payment_provider: null`). Stripe and others come as adapters of this port.
 */
import type { Customer } from "#shared/domain/catalog.js";
import type { Invoice } from "#shared/domain/invoice.js";
import type { PaymentFailureRecord } from "../store/invoice-store.js";

export type CollectionOutcome =
  /** The provider took the payment request; its outcome comes later (a provider's webhook). */
  | { readonly kind: "started" }
  /** It could not even start: kept on the invoice, and told by `invoice.payment_failure`. */
  | { readonly kind: "failed"; readonly failure: PaymentFailureRecord };

export interface PaymentProvider {
  /**
   * Asks the provider to collect what is due on `invoice`. `attemptKey` is the same for every
   * call of one attempt (a provider's idempotency key), so a repeated call never charges twice.
   */
  collect(invoice: Invoice, customer: Customer | undefined, attemptKey: string): Promise<CollectionOutcome>;
}

/**
 * No provider: nothing can be collected. Lago sends `invoice.payment_failure` with
 * `error_details: { code: "customer_must_have_payment_provider" }` and no provider fields.
 */
export const noPaymentProvider: PaymentProvider = {
  async collect() {
    return {
      kind: "failed",
      failure: {
        paymentProvider: null,
        paymentProviderCode: null,
        providerCustomerId: null,
        providerError: null,
        errorDetails: { code: "customer_must_have_payment_provider" },
      },
    };
  },
};

/** The adapter of a customer's provider: `none` for every customer until providers are kept. */
export function paymentProviderOf(_customer: Customer | undefined): PaymentProvider {
  return noPaymentProvider;
}
