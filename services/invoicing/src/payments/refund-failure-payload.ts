/**
 * The payload of `credit_note.refund_failure`, as Lago's `PaymentProviderRefundFailureService`
 * sends it when the provider refused a credit note's refund (or failed it later): the note, its
 * customer, the customer's provider and connection code, the refunded payment's provider customer
 * and the provider's error. Without `webhook_type` and `organization_id`, which the publisher adds.
 */
import type { LagoWebhookPayloads } from "lago-javascript-client";
import type { WebhookBody } from "#shared/contracts/domain-events.js";
import type { CreditNote } from "#shared/domain/credit-notes/credit-note.js";
import type { Corrected, LagoShape } from "#shared/serializers/lago-shape.js";
import type { RefundFailureRecord } from "./payment-provider.js";

/** Lago's refund error object, every field present (Lago sends an unknown provider customer as null). */
type RefundErrorShape = LagoShape<
  LagoWebhookPayloads["credit_note.refund_failure"]["credit_note_payment_provider_refund_error"]
>;

export function refundFailurePayload(
  organizationId: string,
  creditNote: CreditNote,
  failure: RefundFailureRecord,
): Record<string, unknown> {
  const body = {
    webhook_type: "credit_note.refund_failure",
    object_type: "credit_note_payment_provider_refund_error",
    // Lago's webhooks all carry the organization's id; the client's type of this one lists it not.
    organization_id: organizationId,
    credit_note_payment_provider_refund_error: {
      lago_credit_note_id: creditNote.id,
      lago_customer_id: creditNote.customerId,
      external_customer_id: creditNote.externalCustomerId,
      provider_customer_id: failure.providerCustomerId,
      payment_provider: failure.paymentProvider,
      payment_provider_code: failure.paymentProviderCode,
      provider_error: {
        message: failure.providerError.message,
        error_code: failure.providerError.error_code,
      },
    },
  } satisfies Corrected<
    WebhookBody<"credit_note.refund_failure">,
    { organization_id: string; credit_note_payment_provider_refund_error: RefundErrorShape }
  >;
  return {
    object_type: body.object_type,
    credit_note_payment_provider_refund_error: body.credit_note_payment_provider_refund_error,
  };
}
