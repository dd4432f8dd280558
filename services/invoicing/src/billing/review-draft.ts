import type { DraftDue } from "#shared/contracts/invoicing-messages.js";
import { applicableGracePeriodDays, applicableTimezone, type Subscription } from "#shared/domain/catalog.js";
import { type ApplicableGracePeriod, draftAction } from "#shared/domain/invoices/grace-period.js";
import { finalizeInvoice } from "../invoices/finalize-invoice.js";
import { publishInvoiceEvents } from "../invoices/publish-invoice-events.js";
import { type InvoiceChangeDeps, refreshDraft } from "../invoices/refresh-draft.js";
import { collectOwedPayment } from "../payments/collect-owed-payment.js";
import { owedEvents } from "../store/invoice-store.js";
import type { BillingDeps } from "./close-due-periods.js";

/**
 * The grace period and timezone that apply to a subscription's customer now, read from the
 * catalog (a grace period changed there applies to existing drafts); undefined when the catalog
 * no longer has them.
 */
export async function applicableGracePeriod(
  deps: Pick<BillingDeps, "catalog" | "organizations">,
  of: Pick<Subscription, "organizationId" | "externalId" | "id">,
): Promise<ApplicableGracePeriod | undefined> {
  const [record, organization] = await Promise.all([
    deps.catalog.subscriptionRecord(of.organizationId, of.externalId, of.id),
    deps.organizations.get(of.organizationId),
  ]);
  if (!record || record.subscription.id !== of.id || !organization) return undefined;
  const customer = await deps.catalog.customerOf(record.subscription);
  if (!customer) return undefined;
  return {
    graceDays: applicableGracePeriodDays(customer, organization),
    timezone: applicableTimezone(customer, organization),
  };
}

/**
 * A `draft_due` job: decides again from what it reads now, since the job may be late or repeated.
 * A draft whose grace period has ended by the clock's `now` is finalized (issued on that day); a
 * flagged one, or one whose dates a changed grace period moved, is refreshed. Whatever the
 * invoice's last change still owes is published, and an invoice that is no draft and owes nothing
 * leaves the drafts index.
 */
export async function reviewDraft(deps: InvoiceChangeDeps, job: DraftDue): Promise<void> {
  const { organizationId, invoiceId, now } = job;
  const stored = await deps.invoices.get(organizationId, invoiceId);
  if (!stored) return;
  if (stored.status === "draft") {
    const applicable = await applicableGracePeriod(deps, {
      organizationId,
      externalId: stored.externalSubscriptionId,
      id: stored.subscriptionId,
    });
    const action = applicable ? draftAction(stored, applicable, now) : null;
    if (action === "finalize") await finalizeInvoice(deps, organizationId, invoiceId, now);
    else if (action === "refresh") await refreshDraft(deps, organizationId, invoiceId, now);
    return;
  }
  if (owedEvents(stored).length > 0) await publishInvoiceEvents(deps, organizationId, invoiceId);
  else if (stored.paymentCollectionOwed) {
    // Its finalization's collection did not run (a crash after it): it runs now, once.
    if (await collectOwedPayment(deps, stored, (deps.clock ?? Date.now)()))
      await publishInvoiceEvents(deps, organizationId, invoiceId);
  } else await deps.invoices.leaveDraftIndex(organizationId, invoiceId, stored);
}
