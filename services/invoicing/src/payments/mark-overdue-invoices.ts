import type { MarkOverdue } from "#shared/contracts/invoicing-messages.js";
import { isOverdueAt, overdueInvoice } from "#shared/domain/invoices/payment-overdue.js";
import { publishInvoiceEvents } from "../invoices/publish-invoice-events.js";
import { MAX_CHANGE_ATTEMPTS } from "../invoices/refresh-draft.js";
import { allOverdueShards, type OverdueCandidate } from "../store/invoice-store.js";
import type { PaymentDeps } from "./record-payment.js";

/** The billing clock's message for overdue invoices at `now`: one per run, to invoicing's inbox. */
export function overdueReview(now: string): MarkOverdue {
  return { kind: "mark_overdue", now };
}

/** Invoices marked at once, so a run with many does not flood the table and the bus. */
const MARK_CONCURRENCY = 25;

/**
 * The billing clock's run at `now`, for payments: every finalized, unsettled invoice whose due
 * date has ended in its timezone by `now` becomes `payment_overdue` and owes
 * `invoice.payment_overdue`, in one conditional write, published once. Only the invoices due to
 * become overdue are read: they wait in the overdue partitions of the `due` index, sorted by the
 * instant they become overdue, and leave them once marked (or paid, or voided). Returns the
 * invoices marked.
 */
export async function markOverdueInvoices(
  deps: Pick<PaymentDeps, "invoices" | "publish" | "catalog" | "organizations" | "clock">,
  now: string,
): Promise<number> {
  const candidates = (
    await Promise.all(allOverdueShards().map((shard) => deps.invoices.overdueCandidates(shard, now)))
  ).flat();
  let marked = 0;
  for (let start = 0; start < candidates.length; start += MARK_CONCURRENCY) {
    const slice = candidates.slice(start, start + MARK_CONCURRENCY);
    const results = await Promise.all(slice.map((candidate) => markOverdue(deps, candidate, now)));
    marked += results.filter(Boolean).length;
  }
  return marked;
}

/** Marks one invoice overdue at `now` if it is, deciding again from what it reads. */
export async function markOverdue(
  deps: Pick<PaymentDeps, "invoices" | "publish" | "catalog" | "organizations" | "clock">,
  { organizationId, invoiceId }: OverdueCandidate,
  now: string,
): Promise<boolean> {
  for (let attempt = 0; attempt < MAX_CHANGE_ATTEMPTS; attempt++) {
    const stored = await deps.invoices.get(organizationId, invoiceId);
    if (!stored) return false;
    if (!isOverdueAt(stored, now)) {
      // Paid, voided or already overdue: it leaves the overdue partitions (or, owing, is published).
      await publishInvoiceEvents(deps, organizationId, invoiceId);
      await deps.invoices.leaveDraftIndex(organizationId, invoiceId, stored);
      return false;
    }
    const outcome = await deps.invoices.changePayment(stored, overdueInvoice(stored, now), [
      "invoice.payment_overdue",
    ]);
    if (outcome.changed) {
      await publishInvoiceEvents(deps, organizationId, invoiceId);
      return true;
    }
  }
  return false;
}
