/**
 * The port through which invoicing collects an invoice's payment from its customer's payment
 * provider: once a finalization owes it (`collect-owed-payment.ts`) and at
 * `POST /invoices/{id}/retry_payment`. Each provider is an adapter: **manual** for customers
 * without a provider (their payments are recorded by `POST /payments`), **stripe**
 * (`providers/stripe.ts`) for customers whose `billing_configuration.payment_provider` is stripe.
 */
import type { Customer } from "#shared/domain/catalog.js";
import type { CreditNote } from "#shared/domain/credit-notes/credit-note.js";
import type { Invoice } from "#shared/domain/invoice.js";
import type { PaymentFailureRecord } from "../store/invoice-store.js";
import type { ManualPayment, ProviderPaymentDetails } from "../store/payment-store.js";
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

/**
 * What `credit_note.refund_failure` carries of a refused refund (Lago's
 * `PaymentProviderRefundErrorSerializer`): the customer's provider and connection code, the
 * provider customer of the refunded payment, and the provider's message and code.
 */
export interface RefundFailureRecord {
  readonly paymentProvider: "stripe";
  readonly paymentProviderCode: string | null;
  readonly providerCustomerId: string | null;
  readonly providerError: { readonly message: string | null; readonly error_code: string | null };
}

export interface RefundRequest {
  /** The credit note whose `refundAmountCents` is to go back to the customer. */
  readonly creditNote: CreditNote;
  /** The note's customer as the catalog has it now; undefined if it is gone. */
  readonly customer: Customer | undefined;
  /** The invoice's payment taken by the provider (Lago refunds its latest succeeded one); none: nothing to refund. */
  readonly payment: ManualPayment | undefined;
  /** The same for every call of one note's refund (the provider's idempotency key; Lago uses the note's id). */
  readonly key: string;
}

export type RefundOutcome =
  /** The provider refunded at once: the note's refund status becomes `succeeded`. */
  | { readonly kind: "succeeded"; readonly providerRefundId: string }
  /** The provider took the refund; its outcome comes later (its refund webhook). */
  | { readonly kind: "pending"; readonly providerRefundId: string }
  /** The provider refused it: the note's refund status becomes `failed`, told by `credit_note.refund_failure`. */
  | { readonly kind: "failed"; readonly failure: RefundFailureRecord }
  /** Nothing to refund through (no provider payment, not a provider customer): as Lago, nothing happens. */
  | { readonly kind: "skipped" };

export interface PaymentProvider {
  /** Asks the provider to collect what is due on the invoice; a repeated call never charges twice. */
  collect(request: CollectionRequest): Promise<CollectionOutcome>;
  /** Asks the provider to refund the credit note's refund amount; a repeated call never refunds twice. */
  refund(request: RefundRequest): Promise<RefundOutcome>;
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
  /** A manual payment is refunded outside Lago: the note's refund is left as it is. */
  async refund() {
    return { kind: "skipped" };
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
