import { randomUUID } from "node:crypto";
import {
  type InvoiceUpdate,
  invoiceUpdateRefusal,
  updatedInvoice,
} from "#shared/domain/invoices/invoice-payment-update.js";
import { publishInvoiceEvents } from "../invoices/publish-invoice-events.js";
import { MAX_CHANGE_ATTEMPTS } from "../invoices/refresh-draft.js";
import { InvoiceContendedError, type StoredInvoice } from "../store/invoice-store.js";
import type { PaymentDeps } from "./record-payment.js";

export type UpdateInvoiceOutcome =
  | { readonly kind: "updated"; readonly invoice: StoredInvoice }
  | { readonly kind: "refused"; readonly code: string }
  | { readonly kind: "not_found" };

/**
 * `PUT /invoices/{id}` at `now`: its payment status and metadata, as Lago's `Invoices::UpdateService`.
 * The write is conditional on the invoice as read (its status, payment status, paid total), so a
 * payment meanwhile is seen on a fresh read. A real change of payment status owes
 * `invoice.payment_status_updated`, written with it and published once.
 */
export async function updateInvoice(
  deps: Pick<PaymentDeps, "invoices" | "publish" | "catalog" | "organizations" | "clock">,
  organizationId: string,
  invoiceId: string,
  update: InvoiceUpdate,
  now: string,
): Promise<UpdateInvoiceOutcome> {
  for (let attempt = 0; attempt < MAX_CHANGE_ATTEMPTS; attempt++) {
    const stored = await deps.invoices.get(organizationId, invoiceId);
    if (!stored) return { kind: "not_found" };
    const refusal = invoiceUpdateRefusal(stored, update);
    if (refusal) return { kind: "refused", code: refusal };
    const { invoice: next, paymentStatusChanged } = updatedInvoice(stored, update, now, () => randomUUID());
    if (next === stored || (!paymentStatusChanged && update.metadata === undefined))
      return { kind: "updated", invoice: stored };
    const outcome = await deps.invoices.changePayment(
      stored,
      next,
      paymentStatusChanged ? ["invoice.payment_status_updated"] : [],
    );
    if (outcome.changed) {
      if (paymentStatusChanged) await publishInvoiceEvents(deps, organizationId, invoiceId);
      return { kind: "updated", invoice: outcome.invoice };
    }
  }
  throw new InvoiceContendedError(invoiceId);
}
