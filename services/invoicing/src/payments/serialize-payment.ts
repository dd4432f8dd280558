import type { PaymentObject } from "lago-javascript-client";
import { type Corrected, type LagoShape, lagoCurrency } from "#shared/serializers/lago-shape.js";
import type { ManualPayment } from "../store/payment-store.js";

/**
 * Lago's payment object (`V1::PaymentSerializer`): a manual payment has no provider, so Lago's nils
 * where the client types a provider's code, type and customer; Lago's serializer sends no
 * `payment_method_id`.
 */
type PaymentShape = Corrected<
  LagoShape<PaymentObject, "payment_method_id">,
  {
    payment_provider_code: string | null;
    payment_provider_type: "stripe" | null;
    provider_customer_id: string | null;
    reference: string | null;
  }
>;

/** Lago's `iso8601` of an instant: to the second. */
const iso8601 = (instant: string) => `${instant.slice(0, 19)}Z`;

export function serializePayment(payment: ManualPayment): PaymentShape {
  return {
    lago_id: payment.id,
    lago_customer_id: payment.customerId,
    external_customer_id: payment.externalCustomerId,
    invoice_ids: [payment.invoiceId],
    invoice_numbers: [payment.invoiceNumber],
    lago_payable_id: payment.invoiceId,
    payable_type: "Invoice",
    amount_cents: payment.amountCents,
    amount_currency: lagoCurrency(payment.currency),
    status: "succeeded",
    payment_status: "succeeded",
    type: payment.provider ? "provider" : "manual",
    reference: payment.provider ? null : payment.reference,
    payment_provider_code: payment.provider?.code ?? null,
    payment_provider_type: payment.provider?.provider ?? null,
    external_payment_id: null,
    provider_payment_id: payment.provider?.providerPaymentId ?? null,
    provider_customer_id: payment.provider?.providerCustomerId ?? null,
    next_action: {},
    created_at: iso8601(new Date(payment.createdAt).toISOString()),
  };
}
