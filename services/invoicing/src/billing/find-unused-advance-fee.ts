import type { Subscription } from "#shared/domain/catalog.js";
import type { UnusedAdvanceFeeRecord } from "#shared/domain/invoice.js";
import { localDate } from "#shared/domain/periods.js";
import {
  type BillingWindow,
  planPeriodOf,
  subscriptionPeriodAt,
} from "#shared/domain/subscription-periods.js";
import { advanceBillingOf } from "#shared/domain/subscriptions/advance-billing.js";
import { unusedAdvanceFee } from "#shared/domain/subscriptions/unused-advance-fee.js";
import { advanceInvoiceId, periodInvoiceId } from "#shared/store/invoice-keys.js";
import type { InvoiceStore } from "../store/invoice-store.js";
import type { Context } from "./close-due-periods.js";

/**
 * What a pay-in-advance subscription terminated inside `window`'s period paid ahead for that period
 * and did not use: read from the invoice that billed the period's base fee (the one closing the
 * period before, or the fee's own). Nothing when the fee was never billed, was free, or its invoice
 * was voided (Lago credits nothing then).
 */
export async function findUnusedAdvanceFee(
  invoices: Pick<InvoiceStore, "get">,
  subscription: Subscription,
  context: Pick<Context, "plan" | "timezone">,
  window: BillingWindow,
): Promise<UnusedAdvanceFeeRecord | undefined> {
  const { plan, timezone } = context;
  const { terminatedAt } = subscription;
  // The base fee's period: a plan billing its charges monthly paid its year ahead.
  const period = planPeriodOf(subscription, plan, timezone, window.period);
  if (!plan.payInAdvance || !terminatedAt || window.chargesUntil === period.endsAt) return undefined;
  const billing = advanceBillingOf(subscription, plan, timezone, period);
  if (!billing || billing.at > terminatedAt) return undefined;
  const { organizationId, id } = subscription;
  const invoiceId = billing.onPreviousClosing
    ? // The invoice closing the billing period before it.
      periodInvoiceId(
        organizationId,
        id,
        subscriptionPeriodAt(
          subscription,
          plan,
          timezone,
          new Date(Date.parse(period.startsAt) - 1).toISOString(),
        ).startsAt,
      )
    : advanceInvoiceId(organizationId, id, period.startsAt);
  const billed = await invoices.get(organizationId, invoiceId);
  const fee = billed?.fees.find((candidate) => candidate.feeType === "subscription");
  if (!billed || !fee || billed.status === "voided") return undefined;
  const planAmount = fee.amountDetails?.plan_amount_cents;
  const unused = unusedAdvanceFee({
    planAmountCents: typeof planAmount === "number" ? planAmount : plan.amountCents,
    feeAmountCents: fee.amountCents,
    period,
    terminatedOnDate: localDate(terminatedAt, timezone),
    upgrade: subscription.terminationReason === "upgraded",
    trialEndDate: billing.trialEndDate,
  });
  if (!unused) return undefined;
  return {
    invoiceId,
    feeId: fee.id,
    reason: subscription.terminationReason === "upgraded" ? "upgraded" : "terminated",
    terminatedAt,
    unusedDays: unused.unusedDays,
    periodDays: unused.periodDays,
    preciseAmountCents: unused.preciseAmountCents.toString(),
    amountCents: unused.amountCents,
    currency: billed.currency,
  };
}
