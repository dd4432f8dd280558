import { describe, expect, it } from "vitest";
import type { CreditNote } from "#shared/domain/credit-notes/credit-note.js";
import { refundFailurePayload } from "./refund-failure-payload.js";

const note = {
  id: "4f1e2d3c-0b9a-4877-8665-544332211000",
  organizationId: "org-1",
  invoiceId: "invoice-1",
  invoiceNumber: "ACM-0001",
  customerId: "customer-1",
  externalCustomerId: "acme",
  currency: "EUR",
  refundAmountCents: 1_000,
  refundStatus: "pending",
} as CreditNote;

describe("credit_note.refund_failure", () => {
  it("carries the note, its customer, the provider and Stripe's error as Lago's serializer", () => {
    expect(
      refundFailurePayload("org-1", note, {
        paymentProvider: "stripe",
        paymentProviderCode: "stripe",
        providerCustomerId: "cus_123",
        providerError: { message: "This charge cannot be refunded.", error_code: "charge_not_refundable" },
      }),
    ).toEqual({
      object_type: "credit_note_payment_provider_refund_error",
      credit_note_payment_provider_refund_error: {
        lago_credit_note_id: note.id,
        lago_customer_id: "customer-1",
        external_customer_id: "acme",
        provider_customer_id: "cus_123",
        payment_provider: "stripe",
        payment_provider_code: "stripe",
        provider_error: { message: "This charge cannot be refunded.", error_code: "charge_not_refundable" },
      },
    });
  });

  it("sends Lago's nils as null: no provider customer known, no code", () => {
    const payload = refundFailurePayload("org-1", note, {
      paymentProvider: "stripe",
      paymentProviderCode: null,
      providerCustomerId: null,
      providerError: { message: "Payment refund failed", error_code: null },
    });
    expect(payload).not.toHaveProperty("webhook_type");
    expect(payload).not.toHaveProperty("organization_id");
    expect(payload.credit_note_payment_provider_refund_error).toMatchObject({
      provider_customer_id: null,
      payment_provider_code: null,
      provider_error: { message: "Payment refund failed", error_code: null },
    });
  });
});
