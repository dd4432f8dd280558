/**
 * Credit note refunds through the Stripe adapter, driven by the real `stripe` SDK against the
 * stand-in of Stripe's API: a refund of the invoice's succeeded PaymentIntent in Stripe's units,
 * one refund per idempotency key, Stripe's refusals and pending refunds as the note's refund
 * outcome, and Stripe's own errors thrown for the caller to retry.
 */
import Stripe from "stripe";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { manualPaymentProvider } from "../../services/invoicing/src/payments/payment-provider.js";
import { stripePaymentProvider } from "../../services/invoicing/src/payments/providers/stripe.js";
import type { ManualPayment } from "../../services/invoicing/src/store/payment-store.js";
import type { Customer } from "../../shared/src/domain/catalog.js";
import type { CreditNote, CreditNoteReason } from "../../shared/src/domain/credit-notes/credit-note.js";
import { stripeClient } from "../../shared/src/platform/stripe-account.js";
import { customer as customerFixture } from "../../shared/src/serializers/test-fixtures.js";
import { type StripeStandIn, startStripeStandIn } from "../support/stripe-stand-in.js";

let stripe: StripeStandIn;
let client: Stripe;
beforeAll(async () => {
  stripe = await startStripeStandIn();
  client = stripeClient("sk_test_stand_in", stripe.url);
});
afterAll(async () => {
  await stripe.stop();
});

const provider = () => stripePaymentProvider(async () => ({ client, webhookSecret: "whsec_stand_in" }));

let customers = 0;
/** A Stripe customer at the stand-in and ours, and a PaymentIntent of `amount` it paid. */
async function paidInvoice(amount: number, currency: string) {
  customers += 1;
  const providerCustomerId = `cus_refund_${customers}`;
  stripe.addCustomer(providerCustomerId, {
    defaultPaymentMethod: `pm_refund_${customers}`,
    paymentMethods: [],
    behaviour: "succeed",
  });
  const intent = await client.paymentIntents.create({
    amount,
    currency: currency.toLowerCase(),
    customer: providerCustomerId,
    payment_method: `pm_refund_${customers}`,
    confirm: true,
  });
  expect(intent.status).toBe("succeeded");
  const customer: Customer = {
    ...customerFixture,
    id: `customer-${customers}`,
    currency,
    paymentProvider: {
      provider: "stripe",
      code: "stripe",
      providerCustomerId,
      syncWithProvider: false,
      paymentMethods: ["card"],
    },
  };
  const invoiceId = `invoice-${customers}`;
  const payment: ManualPayment = {
    id: `payment-${customers}`,
    organizationId: customer.organizationId,
    invoiceId,
    invoiceNumber: `ACM-${customers}`,
    customerId: customer.id,
    externalCustomerId: customer.externalId,
    amountCents: amount,
    currency,
    reference: intent.id,
    createdAt: "2026-06-01T10:00:00.000Z",
    recordedAt: "2026-06-01T10:00:00.000Z",
    provider: { provider: "stripe", code: "stripe", providerCustomerId, providerPaymentId: intent.id },
  };
  return { customer, payment, intentId: intent.id, providerCustomerId };
}

let notes = 0;
/** A credit note of the payment's invoice refunding `refundAmountCents`. */
function creditNote(
  payment: ManualPayment,
  refundAmountCents: number,
  reason: CreditNoteReason = "order_change",
): CreditNote {
  notes += 1;
  return {
    id: `credit-note-${notes}`,
    organizationId: payment.organizationId,
    invoiceId: payment.invoiceId,
    invoiceNumber: payment.invoiceNumber,
    customerId: payment.customerId,
    externalCustomerId: payment.externalCustomerId,
    sequentialId: 1,
    number: `${payment.invoiceNumber}-CN001`,
    issuingDate: "2026-06-10",
    origin: "manual",
    reason,
    description: null,
    currency: payment.currency,
    creditStatus: null,
    refundStatus: "pending",
    items: [{ id: `item-${notes}`, feeId: "fee-1", amountCents: refundAmountCents }],
    appliedTaxes: [],
    couponsAdjustmentAmountCents: 0,
    preciseCouponsAdjustmentAmountCents: "0",
    subTotalExcludingTaxesAmountCents: refundAmountCents,
    preciseSubTotalExcludingTaxesAmountCents: String(refundAmountCents),
    taxesAmountCents: 0,
    preciseTaxesAmountCents: "0",
    taxesRate: "0",
    totalAmountCents: refundAmountCents,
    creditAmountCents: 0,
    refundAmountCents,
    offsetAmountCents: 0,
    balanceAmountCents: 0,
    createdAt: "2026-06-10T10:00:00.000Z",
    updatedAt: "2026-06-10T10:00:00.000Z",
    voidedAt: null,
    refundedAt: null,
    metadata: {},
  };
}

const refundsOf = (intentId: string) => stripe.refunds.filter((refund) => refund.payment_intent === intentId);

describe("a credit note's refund through Stripe", () => {
  it("refunds the invoice's PaymentIntent the note's refund amount, with Lago's reason and metadata", async () => {
    const { customer, payment, intentId } = await paidInvoice(12_000, "EUR");
    const note = creditNote(payment, 4_550, "duplicated_charge");
    const outcome = await provider().refund({ creditNote: note, customer, payment, key: note.id });
    const [refund] = refundsOf(intentId);
    expect(outcome).toEqual({ kind: "succeeded", providerRefundId: refund?.id });
    expect(refundsOf(intentId)).toHaveLength(1);
    expect(refund).toMatchObject({
      amount: 4_550,
      currency: "eur",
      reason: "duplicate",
      metadata: {
        lago_customer_id: customer.id,
        lago_credit_note_id: note.id,
        lago_invoice_id: payment.invoiceId,
      },
    });
    expect(stripe.refundRequests.at(-1)?.idempotencyKey).toBe(note.id);
  });

  it("sends Lago's reasons: fraudulent, requested by customer, and none for other", async () => {
    const { customer, payment, intentId } = await paidInvoice(9_000, "EUR");
    for (const reason of ["fraudulent_charge", "order_cancellation", "other"] as const) {
      const note = creditNote(payment, 1_000, reason);
      await provider().refund({ creditNote: note, customer, payment, key: note.id });
    }
    expect(refundsOf(intentId).map((refund) => refund.reason)).toEqual([
      "fraudulent",
      "requested_by_customer",
      null,
    ]);
  });

  it("sends a zero-decimal currency's amount as it is (JPY), and ISK's with Stripe's two decimals", async () => {
    const jpy = await paidInvoice(5_000, "JPY");
    const jpyNote = creditNote(jpy.payment, 1_200);
    expect(
      await provider().refund({
        creditNote: jpyNote,
        customer: jpy.customer,
        payment: jpy.payment,
        key: jpyNote.id,
      }),
    ).toMatchObject({ kind: "succeeded" });
    expect(refundsOf(jpy.intentId)).toMatchObject([{ amount: 1_200, currency: "jpy" }]);

    // ISK: 7 000 krónur paid, Stripe counts it 700 000; 2 500 krónur refunded.
    const isk = await paidInvoice(700_000, "ISK");
    const iskNote = creditNote(isk.payment, 2_500);
    expect(
      await provider().refund({
        creditNote: iskNote,
        customer: isk.customer,
        payment: isk.payment,
        key: iskNote.id,
      }),
    ).toMatchObject({ kind: "succeeded" });
    expect(refundsOf(isk.intentId)).toMatchObject([{ amount: 250_000, currency: "isk" }]);
  });

  it("refunds once for one key, however often it is asked (a retried refund)", async () => {
    const { customer, payment, intentId } = await paidInvoice(10_000, "EUR");
    const note = creditNote(payment, 3_000);
    const first = await provider().refund({ creditNote: note, customer, payment, key: note.id });
    const second = await provider().refund({ creditNote: note, customer, payment, key: note.id });
    expect(second).toEqual(first);
    expect(refundsOf(intentId)).toHaveLength(1);
    expect(
      stripe.refundRequests.filter((received) => received.idempotencyKey === note.id).map((r) => r.refundId),
    ).toEqual([refundsOf(intentId)[0]?.id, refundsOf(intentId)[0]?.id]);
  });

  it("is Stripe's idempotency error, thrown, when one key is sent with other parameters", async () => {
    const { customer, payment, intentId } = await paidInvoice(10_000, "EUR");
    const note = creditNote(payment, 3_000);
    await provider().refund({ creditNote: note, customer, payment, key: note.id });
    await expect(
      provider().refund({
        creditNote: { ...note, refundAmountCents: 2_000 },
        customer,
        payment,
        key: note.id,
      }),
    ).rejects.toBeInstanceOf(Stripe.errors.StripeIdempotencyError);
    expect(refundsOf(intentId)).toMatchObject([{ amount: 3_000 }]);
  });

  it("fails with Stripe's message and code when Stripe refuses it, for credit_note.refund_failure", async () => {
    const { customer, payment, intentId, providerCustomerId } = await paidInvoice(10_000, "EUR");
    stripe.nextRefunds({
      kind: "refuse",
      refusal: {
        status: 400,
        error: {
          type: "invalid_request_error",
          code: "charge_not_refundable",
          message: "This charge cannot be refunded.",
        },
      },
    });
    const note = creditNote(payment, 3_000);
    expect(await provider().refund({ creditNote: note, customer, payment, key: note.id })).toEqual({
      kind: "failed",
      failure: {
        paymentProvider: "stripe",
        paymentProviderCode: "stripe",
        providerCustomerId,
        providerError: { message: "This charge cannot be refunded.", error_code: "charge_not_refundable" },
      },
    });
    expect(refundsOf(intentId)).toHaveLength(0);
  });

  it("is refused by Stripe above what is left unrefunded on the PaymentIntent", async () => {
    const { customer, payment, intentId } = await paidInvoice(10_000, "EUR");
    const first = creditNote(payment, 7_000);
    await provider().refund({ creditNote: first, customer, payment, key: first.id });
    const second = creditNote(payment, 3_001);
    const outcome = await provider().refund({ creditNote: second, customer, payment, key: second.id });
    expect(outcome).toMatchObject({
      kind: "failed",
      failure: {
        providerError: {
          message: "Refund amount (3001) is greater than unrefunded amount on charge (3000)",
          error_code: null,
        },
      },
    });
    // What is left can still be refunded, and then nothing is.
    const rest = creditNote(payment, 3_000);
    expect(await provider().refund({ creditNote: rest, customer, payment, key: rest.id })).toMatchObject({
      kind: "succeeded",
    });
    const more = creditNote(payment, 1);
    expect(await provider().refund({ creditNote: more, customer, payment, key: more.id })).toMatchObject({
      kind: "failed",
      failure: { providerError: { error_code: "charge_already_refunded" } },
    });
    expect(refundsOf(intentId).map((refund) => refund.amount)).toEqual([7_000, 3_000]);
  });

  it("is pending when Stripe answers pending, and failed when Stripe answers failed", async () => {
    const { customer, payment, intentId } = await paidInvoice(10_000, "EUR");
    stripe.nextRefunds({ kind: "pending" }, { kind: "failed", failureReason: "expired_or_canceled_card" });
    const pending = creditNote(payment, 1_000);
    expect(await provider().refund({ creditNote: pending, customer, payment, key: pending.id })).toEqual({
      kind: "pending",
      providerRefundId: refundsOf(intentId)[0]?.id,
    });
    const failed = creditNote(payment, 1_000);
    expect(await provider().refund({ creditNote: failed, customer, payment, key: failed.id })).toMatchObject({
      kind: "failed",
      failure: {
        providerError: { message: "Payment refund failed", error_code: "expired_or_canceled_card" },
      },
    });
  });

  it("throws Stripe's own (5xx) errors and network errors, for the caller to retry under its key", async () => {
    const { customer, payment, intentId } = await paidInvoice(10_000, "EUR");
    stripe.nextRefunds({
      kind: "refuse",
      refusal: { status: 500, error: { type: "api_error", message: "An unknown error occurred" } },
    });
    const note = creditNote(payment, 2_000);
    await expect(
      provider().refund({ creditNote: note, customer, payment, key: note.id }),
    ).rejects.toBeInstanceOf(Stripe.errors.StripeAPIError);
    expect(refundsOf(intentId)).toHaveLength(0);
    // The retry under the same key refunds.
    expect(await provider().refund({ creditNote: note, customer, payment, key: note.id })).toMatchObject({
      kind: "succeeded",
    });
    expect(refundsOf(intentId)).toHaveLength(1);

    // Nothing listens on port 9 (discard): the connection is refused.
    const offline = stripePaymentProvider(async () => ({
      client: new Stripe("sk_test_stand_in", {
        host: "127.0.0.1",
        port: 9,
        protocol: "http",
        maxNetworkRetries: 0,
      }),
      webhookSecret: "whsec_stand_in",
    }));
    const other = creditNote(payment, 1_000);
    await expect(
      offline.refund({ creditNote: other, customer, payment, key: other.id }),
    ).rejects.toBeInstanceOf(Stripe.errors.StripeConnectionError);
  });

  it("is skipped with no Stripe payment to refund, for a customer not at Stripe, and by the manual adapter", async () => {
    const { customer, payment } = await paidInvoice(10_000, "EUR");
    const note = creditNote(payment, 1_000);
    const before = stripe.refundRequests.length;
    const { provider: _stripe, ...manual } = payment;
    for (const request of [
      { creditNote: note, customer, payment: undefined, key: note.id },
      { creditNote: note, customer, payment: manual, key: note.id },
      { creditNote: note, customer: { ...customer, paymentProvider: null }, payment, key: note.id },
      { creditNote: note, customer: undefined, payment, key: note.id },
      { creditNote: { ...note, refundStatus: "succeeded" as const }, customer, payment, key: note.id },
    ])
      expect(await provider().refund(request)).toEqual({ kind: "skipped" });
    expect(await manualPaymentProvider.refund({ creditNote: note, customer, payment, key: note.id })).toEqual(
      {
        kind: "skipped",
      },
    );
    expect(stripe.refundRequests).toHaveLength(before);
  });
});
