import { voidedInvoice, voidRefusal } from "#shared/domain/invoices/void.js";
import { InvoiceContendedError, type StoredInvoice } from "../store/invoice-store.js";
import { publishInvoiceEvents } from "./publish-invoice-events.js";
import { type InvoiceChangeDeps, MAX_CHANGE_ATTEMPTS } from "./refresh-draft.js";

export type VoidOutcome =
  | { readonly kind: "voided"; readonly invoice: StoredInvoice }
  | { readonly kind: "refused"; readonly code: string }
  | { readonly kind: "not_found" };

/**
 * Voids a finalized, unpaid invoice at `now` (`POST /invoices/{id}/void`): it keeps its number and
 * amounts, nothing is due on it any more, and it owes `invoice.voided`, published once. The write
 * is conditional on the status and payment status read, so a payment or another void meanwhile
 * is seen on a fresh read.
 */
export async function voidInvoice(
  deps: Pick<InvoiceChangeDeps, "catalog" | "organizations" | "invoices" | "publish" | "clock">,
  organizationId: string,
  invoiceId: string,
  now: string,
): Promise<VoidOutcome> {
  for (let attempt = 0; attempt < MAX_CHANGE_ATTEMPTS; attempt++) {
    const stored = await deps.invoices.get(organizationId, invoiceId);
    if (!stored) return { kind: "not_found" };
    const refusal = voidRefusal(stored);
    if (refusal) return { kind: "refused", code: refusal };
    const outcome = await deps.invoices.voidFinalized(stored, voidedInvoice(stored, now));
    if (outcome.changed) {
      await publishInvoiceEvents(deps, organizationId, invoiceId);
      return { kind: "voided", invoice: outcome.invoice };
    }
  }
  throw new InvoiceContendedError(invoiceId);
}
