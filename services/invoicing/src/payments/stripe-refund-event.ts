/**
 * Stripe's refund webhooks, read as Lago's `HandleEventService` reads `charge.refund.updated` (and
 * `refund.updated`, Stripe's newer event with the same refund object): the credit note Lago's
 * metadata names (`lago_credit_note_id`, set when the refund was created) and the refund status it
 * gets. Pure: the route verifies the event, whoever applies it finds the note.
 */
import type Stripe from "stripe";
import { REFUND_FAILED_MESSAGE, refundStatusOf } from "./providers/stripe.js";

export interface StripeRefundUpdate {
  readonly creditNoteId: string;
  /** Stripe's refund, as the refund outcome's `providerRefundId` named it. */
  readonly providerRefundId: string;
  readonly status: "succeeded" | "failed" | "pending";
}

/**
 * What `credit_note.refund_failure` carries as `provider_error` for a refund Stripe failed after
 * taking it: Lago's message and no code.
 */
export const LATE_REFUND_FAILURE_ERROR = { message: REFUND_FAILED_MESSAGE, error_code: null } as const;

/**
 * The credit note and refund status a verified Stripe event is about; undefined for another event,
 * or a refund not made by Lago (no `lago_credit_note_id` in its metadata), which Lago ignores.
 */
export function stripeRefundUpdate(event: Stripe.Event): StripeRefundUpdate | undefined {
  if (event.type !== "charge.refund.updated" && event.type !== "refund.updated") return undefined;
  const refund = event.data.object;
  const creditNoteId = refund.metadata?.lago_credit_note_id;
  if (!creditNoteId) return undefined;
  return { creditNoteId, providerRefundId: refund.id, status: refundStatusOf(refund.status) };
}
