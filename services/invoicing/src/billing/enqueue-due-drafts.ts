import type { DraftDue, ReviewDrafts } from "#shared/contracts/invoicing-messages.js";
import { type ApplicableGracePeriod, draftAction } from "#shared/domain/invoices/grace-period.js";
import { allWaitingShards, type InvoiceStore, type WaitingInvoice } from "../store/invoice-store.js";
import type { BillingDeps } from "./close-due-periods.js";
import { applicableGracePeriod } from "./review-draft.js";

/** The billing clock's message for the drafts at `now`: one per run, to invoicing's inbox. */
export function draftReview(now: string): ReviewDrafts {
  return { kind: "review_drafts", now };
}

/** Catalog reads at once while reviewing drafts, so a run with many drafts does not flood them. */
const REVIEW_CONCURRENCY = 25;

/**
 * The billing clock's review of the drafts at `now`: reads every invoice waiting in the drafts
 * index (drafts are few: they exist only during grace periods), works out each draft's
 * finalization instant from the grace period that applies now, and hands one `draft_due` job to
 * the workers for each one to finalize or refresh, and for each change whose event is still owed.
 * The work itself is the workers', one job each, so one slow draft never holds the others.
 * Returns the jobs sent.
 */
export async function enqueueDueDrafts(
  deps: Pick<BillingDeps, "catalog" | "organizations"> & {
    readonly invoices: Pick<InvoiceStore, "waitingInvoices">;
  },
  now: string,
  send: (jobs: readonly DraftDue[]) => Promise<void>,
): Promise<number> {
  const waiting = (
    await Promise.all(allWaitingShards().map((shard) => deps.invoices.waitingInvoices(shard)))
  ).flat();
  const settings = new Map<string, Promise<ApplicableGracePeriod | undefined>>();
  const isDue = async (entry: WaitingInvoice): Promise<boolean> => {
    if (entry.kind !== "draft") return true;
    let applicable = settings.get(entry.subscriptionId);
    if (!applicable) {
      applicable = applicableGracePeriod(deps, {
        organizationId: entry.organizationId,
        externalId: entry.externalSubscriptionId,
        id: entry.subscriptionId,
      });
      settings.set(entry.subscriptionId, applicable);
    }
    const grace = await applicable;
    if (!grace || !entry.expectedFinalizationDate) return false;
    const draft = {
      issuingDate: entry.expectedFinalizationDate,
      expectedFinalizationDate: entry.expectedFinalizationDate,
      ...(entry.billingDate ? { billingDate: entry.billingDate } : {}),
    };
    return draftAction(draft, grace, now) !== null;
  };
  const jobs: DraftDue[] = [];
  for (let start = 0; start < waiting.length; start += REVIEW_CONCURRENCY) {
    const slice = waiting.slice(start, start + REVIEW_CONCURRENCY);
    const due = await Promise.all(slice.map(isDue));
    slice.forEach((entry, index) => {
      if (due[index])
        jobs.push({
          kind: "draft_due",
          organizationId: entry.organizationId,
          invoiceId: entry.invoiceId,
          now,
        });
    });
  }
  if (jobs.length > 0) await send(jobs);
  return jobs.length;
}
