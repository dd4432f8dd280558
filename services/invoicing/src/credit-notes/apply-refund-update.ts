import { type EventPublication, publishInvoiceEvents } from "../invoices/publish-invoice-events.js";
import { MAX_CHANGE_ATTEMPTS } from "../invoices/refresh-draft.js";
import { stripeRefundFailure } from "../payments/providers/stripe.js";
import { LATE_REFUND_FAILURE_ERROR, type StripeRefundUpdate } from "../payments/stripe-refund-event.js";
import { noteCustomer, type RefundDeps, refundedPayment, refundStores } from "./refund-credit-note.js";

export type RefundUpdateOutcome = "applied" | "ignored";

/**
 * A refund status Stripe reports later (its refund webhook) for one of the organization's credit
 * notes, at `now`, as Lago's `StripeService#update_status`: a note whose refund succeeded is never
 * changed again; otherwise it takes the status, `succeeded` refunded at `now`, `failed` kept with
 * Lago's message and owing `credit_note.refund_failure`, published at once. A status the note has
 * already (a redelivered webhook), or a note unknown here, changes nothing.
 */
export async function applyRefundUpdate(
  deps: RefundDeps & EventPublication,
  organizationId: string,
  update: StripeRefundUpdate,
  now: string,
): Promise<RefundUpdateOutcome> {
  const { creditNotes, payments } = refundStores(deps);
  for (let attempt = 0; attempt < MAX_CHANGE_ATTEMPTS * 2; attempt++) {
    const note = await creditNotes.get(organizationId, update.creditNoteId);
    if (
      !note ||
      note.refundAmountCents <= 0 ||
      note.refundStatus === "succeeded" ||
      note.refundStatus === update.status
    )
      return "ignored";
    const failure =
      update.status === "failed"
        ? stripeRefundFailure(
            (await noteCustomer(deps, note))?.paymentProvider,
            (await refundedPayment(payments, note))?.provider,
            { message: LATE_REFUND_FAILURE_ERROR.message, code: LATE_REFUND_FAILURE_ERROR.error_code },
          )
        : null;
    const written = await creditNotes.setRefundStatus(note, update.status, failure, now);
    if (written.written) {
      if (failure) await publishInvoiceEvents(deps, organizationId, note.invoiceId);
      return "applied";
    }
  }
  throw new Error(`credit note ${update.creditNoteId} kept changing concurrently`);
}
