/**
 * The port through which invoicing collects an invoice's payment from its customer's payment
 * provider: once a finalization owes it (`collect-owed-payment.ts`) and at
 * `POST /invoices/{id}/retry_payment`. Each provider is an adapter: **manual** for customers
 * without a provider (their payments are recorded by `POST /payments`), **stripe**
 * (`providers/stripe.ts`) for customers whose `billing_configuration.payment_provider` is stripe.
 */
import type { Customer } from "#shared/domain/catalog.js";
import type { Invoice } from "#shared/domain/invoice.js";
import type { PaymentFailureRecord } from "../store/invoice-store.js";
import type { ProviderPaymentDetails } from "../store/payment-store.js";
import { stripePaymentProvider } from "./providers/stripe.js";

/** A payment the provider took, in the invoice's currency and our minor units. */
export interface ProviderPayment extends ProviderPaymentDetails {
  readonly amountCents: number;
}

export type CollectionOutcome =
  /** The provider took the payment request; its outcome comes later (the provider's webhook). */
  | { readonly kind: "started"; readonly providerPaymentId: string }
  /** The provider took the payment at once. */
  | { readonly kind: "succeeded"; readonly payment: ProviderPayment }
  /**
   * It failed: kept on the invoice and told by `invoice.payment_failure`; `marksFailed` when the
   * invoice's payment status becomes `failed` (a provider's refusal; not the lack of a provider).
   */
  | { readonly kind: "failed"; readonly failure: PaymentFailureRecord; readonly marksFailed: boolean }
  /**
   * Nothing to collect with (no customer at the provider, no payment method, an amount the
   * provider takes not): as Lago, nothing happens and nothing is told.
   */
  | { readonly kind: "skipped" };

export interface CollectionRequest {
  readonly invoice: Invoice;
  /** The invoice's customer as the catalog has it now; undefined if it is gone. */
  readonly customer: Customer | undefined;
  /** The same for every call of one collection (the provider's idempotency key). */
  readonly key: string;
  /** The organization's name: Lago's payment description is "<billing entity> - Invoice <number>". */
  readonly organizationName: string;
}

export interface PaymentProvider {
  /** Asks the provider to collect what is due on the invoice; a repeated call never charges twice. */
  collect(request: CollectionRequest): Promise<CollectionOutcome>;
}

/**
 * Manual: nothing can be collected. At `retry_payment` Lago sends `invoice.payment_failure` with
 * `error_details: { code: "customer_must_have_payment_provider" }` and no provider fields, and the
 * payment status stays as it is; a finalization collects nothing for such a customer.
 */
export const manualPaymentProvider: PaymentProvider = {
  async collect() {
    return {
      kind: "failed",
      marksFailed: false,
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

let stripe: PaymentProvider | undefined;

/** The adapter of a customer's provider: Stripe for a Stripe customer, else manual. */
export function paymentProviderOf(customer: Customer | undefined): PaymentProvider {
  if (customer?.paymentProvider?.provider === "stripe") {
    stripe ??= stripePaymentProvider();
    return stripe;
  }
  return manualPaymentProvider;
}
