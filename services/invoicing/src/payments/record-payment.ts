import { paidInvoice, paymentRefusal } from "#shared/domain/invoices/manual-payment.js";
import { stableUuid } from "#shared/platform/ids.js";
import { publishInvoiceEvents } from "../invoices/publish-invoice-events.js";
import type { InvoiceChangeDeps } from "../invoices/refresh-draft.js";
import { InvoiceContendedError } from "../store/invoice-store.js";
import type { ManualPayment, PaymentStore } from "../store/payment-store.js";

export interface PaymentDeps
  extends Pick<InvoiceChangeDeps, "invoices" | "publish" | "catalog" | "organizations" | "clock"> {
  readonly payments: Pick<PaymentStore, "get" | "record" | "list">;
}

export interface PaymentInput {
  readonly invoiceId: string;
  readonly amountCents: number;
  readonly reference: string;
  /** When it was paid (an instant), else when it is recorded. */
  readonly paidAt?: string;
}

export type RecordPaymentOutcome =
  | { readonly kind: "recorded"; readonly payment: ManualPayment }
  | { readonly kind: "not_found" }
  | { readonly kind: "forbidden" }
  | { readonly kind: "invalid"; readonly field: string; readonly code: string };

/** Attempts of a payment whose invoice keeps changing under it (other payments), before giving up. */
const MAX_ATTEMPTS = 8;

/**
 * The payment's id: one per (invoice, reference), so a client retrying `POST /payments` after a
 * timeout (same invoice, reference and amount) gets the payment already recorded, never a second
 * one. (Lago keys payments by a new id each time, so there a retry records the payment twice.)
 */
export const manualPaymentId = (organizationId: string, invoiceId: string, reference: string) =>
  stableUuid("manual-payment", organizationId, invoiceId, reference);

/**
 * Records a manual payment of a finalized invoice at `now` (`POST /payments`), as Lago's
 * `Payments::ManualCreateService`: the invoice's paid total grows by its amount, in the same
 * transaction as the payment, conditional on the paid total read; once paid in full the
 * invoice's payment status is `succeeded`, it is no longer overdue, and it owes
 * `invoice.payment_status_updated`, published once.
 */
export async function recordPayment(
  deps: PaymentDeps,
  organizationId: string,
  input: PaymentInput,
  now: string,
): Promise<RecordPaymentOutcome> {
  const id = manualPaymentId(organizationId, input.invoiceId, input.reference);
  for (let attempt = 0; attempt < MAX_ATTEMPTS; attempt++) {
    const invoice = await deps.invoices.get(organizationId, input.invoiceId);
    if (!invoice) return { kind: "not_found" };
    const recorded = await deps.payments.get(organizationId, id);
    if (recorded) return replayed(recorded, input);
    const refusal = paymentRefusal(invoice, input.amountCents);
    if (refusal) return refusal;
    const paid = paidInvoice(invoice, input.amountCents, now);
    const payment: ManualPayment = {
      id,
      organizationId,
      invoiceId: invoice.id,
      invoiceNumber: invoice.number,
      customerId: invoice.customerId,
      externalCustomerId: invoice.externalCustomerId,
      amountCents: input.amountCents,
      currency: invoice.currency,
      reference: input.reference,
      createdAt: input.paidAt ?? now,
      recordedAt: now,
    };
    const settled = paid.paymentStatus !== invoice.paymentStatus;
    const outcome = await deps.payments.record(
      deps.invoices,
      payment,
      invoice,
      paid,
      settled ? ["invoice.payment_status_updated"] : [],
    );
    if (outcome.kind === "exists") return replayed(outcome.payment, input);
    if (outcome.kind === "recorded") {
      if (settled) await publishInvoiceEvents(deps, organizationId, invoice.id);
      return { kind: "recorded", payment: outcome.payment };
    }
  }
  throw new InvoiceContendedError(input.invoiceId);
}

/** The same payment sent again answers the one recorded; another amount under its reference is refused. */
function replayed(recorded: ManualPayment, input: PaymentInput): RecordPaymentOutcome {
  if (recorded.amountCents !== input.amountCents)
    return { kind: "invalid", field: "reference", code: "value_already_exist" };
  return { kind: "recorded", payment: recorded };
}
