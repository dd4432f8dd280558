import type Stripe from "stripe";
import { describe, expect, it } from "vitest";
import { LATE_REFUND_FAILURE_ERROR, stripeRefundUpdate } from "./stripe-refund-event.js";

/** A Stripe event of `type` whose object is a refund with `refund`'s fields. */
const event = (type: string, refund: Record<string, unknown>) =>
  ({
    id: "evt_1",
    object: "event",
    type,
    livemode: false,
    created: 1_780_000_000,
    data: {
      object: {
        id: "re_1",
        object: "refund",
        amount: 1_000,
        currency: "eur",
        status: "succeeded",
        metadata: {
          lago_credit_note_id: "note-1",
          lago_invoice_id: "invoice-1",
          lago_customer_id: "customer-1",
        },
        ...refund,
      },
    },
  }) as unknown as Stripe.Event;

describe("Stripe's refund webhooks", () => {
  it("name the credit note of Lago's metadata and Stripe's refund, with its status", () => {
    expect(stripeRefundUpdate(event("charge.refund.updated", {}))).toEqual({
      creditNoteId: "note-1",
      providerRefundId: "re_1",
      status: "succeeded",
    });
    expect(stripeRefundUpdate(event("refund.updated", { id: "re_2", status: "failed" }))).toEqual({
      creditNoteId: "note-1",
      providerRefundId: "re_2",
      status: "failed",
    });
  });

  it("read Stripe's statuses as the note's: canceled failed, pending and requires_action pending", () => {
    const statusOf = (status: string) =>
      stripeRefundUpdate(event("charge.refund.updated", { status }))?.status;
    expect(statusOf("succeeded")).toBe("succeeded");
    expect(statusOf("failed")).toBe("failed");
    expect(statusOf("canceled")).toBe("failed");
    expect(statusOf("pending")).toBe("pending");
    expect(statusOf("requires_action")).toBe("pending");
  });

  it("ignore refunds Lago did not make and other events", () => {
    expect(stripeRefundUpdate(event("charge.refund.updated", { metadata: {} }))).toBeUndefined();
    expect(
      stripeRefundUpdate(event("charge.refund.updated", { metadata: { lago_invoice_id: "invoice-1" } })),
    ).toBeUndefined();
    expect(stripeRefundUpdate(event("payment_intent.succeeded", {}))).toBeUndefined();
    expect(stripeRefundUpdate(event("charge.refunded", {}))).toBeUndefined();
  });

  it("tell a late failure with Lago's message and no code", () => {
    expect(LATE_REFUND_FAILURE_ERROR).toEqual({ message: "Payment refund failed", error_code: null });
  });
});
