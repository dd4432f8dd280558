import type { Invoice } from "#shared/domain/invoice.js";
import { mayRefresh, refreshedDraft } from "#shared/domain/invoices/refresh.js";
import { periodContaining } from "#shared/domain/periods.js";
import { billingWindow, planScheduleOf, subscriptionPeriodAt } from "#shared/domain/subscription-periods.js";
import { advanceBillingOf } from "#shared/domain/subscriptions/advance-billing.js";
import { asOf } from "#shared/domain/subscriptions/lifecycle.js";
import { type BillingDeps, billWindow, type Context, contextOf } from "../billing/close-due-periods.js";
import { InvoiceContendedError, type StoredInvoice } from "../store/invoice-store.js";

/** What changing an invoice after it was made reads and writes. */
export type InvoiceChangeDeps = Pick<
  BillingDeps,
  "catalog" | "organizations" | "invoices" | "chargeFees" | "publish" | "clock"
>;

/** Attempts of a refresh whose draft keeps changing under it (late usage), before giving up. */
export const MAX_CHANGE_ATTEMPTS = 4;

/**
 * The draft's period billed again, by the same builder, as the subscription was at the period's
 * close, with usage, the catalog and the grace period as they are now. The period is the one the
 * draft bills, in the timezone it was billed in.
 */
export async function rebuildDraft(
  deps: Pick<BillingDeps, "catalog" | "organizations" | "chargeFees" | "invoices">,
  draft: Invoice,
  now: string,
): Promise<{ readonly invoice: Invoice; readonly context: Context }> {
  const record = await deps.catalog.subscriptionRecord(
    draft.organizationId,
    draft.externalSubscriptionId,
    draft.subscriptionId,
  );
  if (!record || record.subscription.id !== draft.subscriptionId)
    throw new Error(`subscription ${draft.subscriptionId} of draft ${draft.id} is not in the catalog`);
  const context = await contextOf(deps, record.subscription);
  const { plan } = context;
  // The draft is billed again in the timezone it was billed in.
  const { timezone } = draft;
  const advanceOnly = draft.billingPeriods?.[0]?.invoicingReason === "subscription_starting";
  // A pay-in-advance fee billed alone bills its base fee's period; any other invoice, a billing period.
  const period = advanceOnly
    ? periodContaining(planScheduleOf(record.subscription, plan, timezone), timezone, draft.periodStartsAt)
    : subscriptionPeriodAt(record.subscription, plan, timezone, draft.periodStartsAt);
  if (period.startsAt !== draft.periodStartsAt)
    throw new Error(`draft ${draft.id} bills a period its subscription no longer has`);
  if (advanceOnly) {
    // Billed again as the subscription was when it was made.
    const subscription = asOf(record.subscription, timezone, draft.createdAt);
    const billing = advanceBillingOf(subscription, plan, timezone, period);
    if (!billing) return { invoice: draft, context };
    const window = billingWindow(subscription, period, timezone);
    const invoice = await billWindow(deps, subscription, { ...context, timezone }, window, now, {
      advance: { period, billing },
      advanceOnly: true,
    });
    return { invoice, context };
  }
  const subscription = asOf(record.subscription, timezone, period.endsAt);
  const window = billingWindow(subscription, period, timezone);
  const invoice = await billWindow(deps, subscription, { ...context, timezone }, window, now);
  return { invoice, context };
}

/**
 * Refreshes a draft (`PUT /invoices/{id}/refresh`, and the billing clock for a flagged one): its
 * fees, taxes, totals and dates are made again, and it stays the same draft. Any other invoice is
 * left as it is, as Lago answers it. Undefined when there is no such invoice.
 */
export async function refreshDraft(
  deps: InvoiceChangeDeps,
  organizationId: string,
  invoiceId: string,
  now: string,
): Promise<StoredInvoice | undefined> {
  for (let attempt = 0; attempt < MAX_CHANGE_ATTEMPTS; attempt++) {
    const stored = await deps.invoices.get(organizationId, invoiceId);
    if (!stored || !mayRefresh(stored)) return stored;
    const { invoice: rebuilt } = await rebuildDraft(deps, stored, now);
    // Conditional on the draft read: a late event counted meanwhile makes it again.
    const outcome = await deps.invoices.replaceDraft(stored, refreshedDraft(stored, rebuilt, now));
    if (outcome.changed) return outcome.invoice;
  }
  throw new InvoiceContendedError(invoiceId);
}
