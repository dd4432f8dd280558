/**
 * A draft's refresh (Lago's `Invoices::RefreshDraftService`): its fees, taxes and totals are made
 * again from usage and the catalog as they are now, and so are its dates under the grace period
 * and payment term that apply now. It stays the same draft: same id, number and creation time.
 * Pure: the rebuilt invoice and `now` come in as arguments.
 */
import type { Invoice } from "../invoice.js";

/** Only a draft is refreshed; Lago answers any other invoice as it is, unchanged. */
export function mayRefresh(invoice: Pick<Invoice, "status">): boolean {
  return invoice.status === "draft";
}

/** `draft` with everything `rebuilt` (the same period billed again) says of it now. */
export function refreshedDraft(draft: Invoice, rebuilt: Invoice, now: string): Invoice {
  if (!mayRefresh(draft)) throw new Error(`invoice ${draft.id} is ${draft.status}, not a draft`);
  if (rebuilt.id !== draft.id)
    throw new Error(`invoice ${rebuilt.id} does not bill the period of ${draft.id}`);
  return {
    ...rebuilt,
    // A grace period shortened to none still leaves a draft until it is finalized.
    status: "draft",
    sequentialId: null,
    number: draft.number,
    timezone: draft.timezone,
    createdAt: draft.createdAt,
    updatedAt: now,
    // What its termination left unused is a fact of the termination, not of its usage.
    ...(draft.unusedAdvanceFee ? { unusedAdvanceFee: draft.unusedAdvanceFee } : {}),
  };
}
