import {
  type Finalization,
  finalizationIssuingDate,
  finalizedInvoice,
  mayFinalize,
} from "#shared/domain/invoices/finalize.js";
import { applicableNetPaymentTermDays } from "#shared/domain/invoices/issuing-dates.js";
import { refreshedDraft } from "#shared/domain/invoices/refresh.js";
import { InvoiceContendedError, type StoredInvoice } from "../store/invoice-store.js";
import { numberingPlan } from "./number-invoice.js";
import { publishInvoiceEvents } from "./publish-invoice-events.js";
import { type InvoiceChangeDeps, MAX_CHANGE_ATTEMPTS, rebuildDraft } from "./refresh-draft.js";

export type FinalizeOutcome =
  | { readonly kind: "finalized"; readonly invoice: StoredInvoice }
  /** Not a draft; `raced` when it was one when first read, and someone else finalized it since. */
  | { readonly kind: "not_draft"; readonly invoice: StoredInvoice; readonly raced: boolean }
  | { readonly kind: "not_found" };

/**
 * Finalizes a draft at `now` (`PUT /invoices/{id}/finalize`, or the billing clock once its grace
 * period has ended), as Lago does: refreshed first, then given the next number of its sequence in
 * the same transaction as its final amounts (conditional on the draft read, so a concurrent
 * finalization, manual or scheduled, numbers it once), issued on the customer's local date of
 * `now` and due `net_payment_term` days later. It owes `invoice.created`, published once.
 */
export async function finalizeInvoice(
  deps: InvoiceChangeDeps,
  organizationId: string,
  invoiceId: string,
  now: string,
): Promise<FinalizeOutcome> {
  let wasDraft = false;
  for (let attempt = 0; attempt < MAX_CHANGE_ATTEMPTS; attempt++) {
    const stored = await deps.invoices.get(organizationId, invoiceId);
    if (!stored) return { kind: "not_found" };
    if (!mayFinalize(stored)) return { kind: "not_draft", invoice: stored, raced: wasDraft };
    wasDraft = true;
    const { invoice: rebuilt, context } = await rebuildDraft(deps, stored, now);
    const refreshed = refreshedDraft(stored, rebuilt, now);
    const finalization: Finalization = {
      now,
      timezone: context.timezone,
      netPaymentTermDays: applicableNetPaymentTermDays(context.customer, context.organization),
    };
    const numbering = numberingPlan(
      context.organization,
      context.customer,
      finalizationIssuingDate(finalization),
    );
    const outcome = await deps.invoices.finalizeDraft(stored, numbering.counter, (sequence) =>
      finalizedInvoice(refreshed, finalization, {
        sequentialId: sequence,
        number: numbering.format(sequence),
      }),
    );
    if (outcome.changed) {
      await publishInvoiceEvents(deps, organizationId, invoiceId);
      return { kind: "finalized", invoice: outcome.invoice };
    }
  }
  throw new InvoiceContendedError(invoiceId);
}
