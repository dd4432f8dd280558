import type { BillableMetric, Subscription } from "#shared/domain/catalog.js";
import { type BillingPeriod, periodAfter } from "#shared/domain/periods.js";
import { billingScheduleOf, billingWindow } from "#shared/domain/subscription-periods.js";
import { stableUuid } from "#shared/platform/ids.js";
import { EventStore } from "#shared/store/event-store.js";
import { UsageStore } from "#shared/store/usage-store.js";
import { periodChargeFees, type UsageSources } from "#shared/usage/period-charge-fees.js";
import type { BillingDeps, Context } from "../billing/close-due-periods.js";
import { invoiceEmbeds } from "../invoices/invoice-embeds.js";
import { feeCreatedPayload } from "../invoices/invoice-event-bodies.js";
import { advanceChargeFee, appliedTaxesOf } from "./advance-charge-fee.js";
import { type AdvanceFeeRecord, AdvanceFeeStore } from "./advance-fee-store.js";
import { serializeStandaloneFee, standaloneHolder } from "./serialize-advance-fee.js";

export interface RecurringFeeDeps extends BillingDeps {
  readonly advanceFees?: Pick<AdvanceFeeStore, "createOnce" | "record" | "markFeeCreatedPublished">;
  /** The events and usage the period's charges are priced from (read only: aggregate's). */
  readonly usageSources?: Pick<UsageSources, "events" | "usage">;
}

let defaults: { advanceFees: AdvanceFeeStore; events: EventStore; usage: UsageStore } | undefined;
const stores = () => {
  defaults ??= { advanceFees: new AdvanceFeeStore(), events: new EventStore(), usage: new UsageStore() };
  return defaults;
};

/** One fee per (subscription, period paid for, charge, filter, pricing group), whoever makes it. */
export const recurringStandaloneFeeId = (
  organizationId: string,
  subscriptionId: string,
  periodStartsAt: string,
  chargeId: string,
  filterId: string | null,
  groupedBy: Readonly<Record<string, string | null>> | null,
) =>
  stableUuid(
    "recurring-standalone-fee",
    organizationId,
    subscriptionId,
    periodStartsAt,
    chargeId,
    filterId ?? "",
    JSON.stringify(groupedBy),
  );

/**
 * At a period's close, Lago's `create_recurring_non_invoiceable_fees`: each pay-in-advance charge
 * that is not invoiceable, on a recurring metric, gets a standalone fee (pending, on no invoice)
 * for the next period, priced on the usage that carries into it (the closing period's, as the
 * invoiceable counterpart is billed ahead on the closing invoice), one per charge filter and
 * pricing group with usage, each owing `fee.created`. Not when the subscription ends with the
 * period. Once whatever is repeated: a fee's id comes from (charge, filter, group, period), it is
 * written only if new, and `fee.created` is published until the fee is marked told (with the same
 * unique key). Returns how many fees it made.
 */
export async function createRecurringStandaloneFees(
  deps: RecurringFeeDeps,
  subscription: Subscription,
  context: Context,
  period: BillingPeriod,
  now: string,
): Promise<number> {
  const { plan, timezone, customer, taxes, organization } = context;
  const organizationId = subscription.organizationId;
  const window = billingWindow(subscription, period, timezone);
  if (subscription.terminatedAt !== null && subscription.terminatedAt <= window.chargesUntil) return 0;
  const candidates = plan.charges.filter((charge) => charge.payInAdvance && !charge.invoiceable);
  if (candidates.length === 0) return 0;
  const metrics = new Map<string, BillableMetric>();
  for (const code of new Set(candidates.map((charge) => charge.billableMetricCode))) {
    const metric = await deps.catalog.getMetric(organizationId, code);
    if (metric?.recurring) metrics.set(code, metric);
  }
  const charges = candidates.filter((charge) => metrics.has(charge.billableMetricCode));
  if (charges.length === 0) return 0;
  const sources: UsageSources = {
    catalog: deps.catalog,
    events: deps.usageSources?.events ?? stores().events,
    usage: deps.usageSources?.usage ?? stores().usage,
  };
  const priced = await periodChargeFees(sources, subscription, { ...plan, charges }, window, timezone);
  const next = periodAfter(billingScheduleOf(subscription, plan, timezone), timezone, period);
  const advanceFees = deps.advanceFees ?? stores().advanceFees;
  let made = 0;
  for (const charged of priced) {
    // Nothing carried: no fee (Lago's recurring fee of a metric with no value is zero units).
    if (charged.units.isZero()) continue;
    const id = recurringStandaloneFeeId(
      organizationId,
      subscription.id,
      next.startsAt,
      charged.charge.id,
      charged.filter?.id ?? null,
      charged.groupedBy,
    );
    const fee = {
      ...advanceChargeFee({
        id,
        charge: charged.charge,
        metric: charged.metric,
        bucket: {
          filter: charged.filter,
          properties: charged.filter ? charged.filter.properties : charged.charge.properties,
          groupedBy: charged.groupedBy,
          key: JSON.stringify([charged.filter?.id ?? "", charged.groupedBy]),
        },
        priced: {
          amount: charged.amount,
          units: charged.units,
          unitAmount: charged.unitAmount,
          amountDetails: charged.amountDetails,
        },
        eventsCount: charged.eventsCount,
        transactionId: "",
        plan,
        customer,
        taxes,
        fromDatetime: next.startsAt,
        toDatetime: new Date(Date.parse(next.endsAt) - 1000).toISOString(),
      }),
      // It bills a period's carried usage, no event.
      eventTransactionId: null,
    };
    const record: AdvanceFeeRecord = {
      organizationId,
      fee,
      subscriptionId: subscription.id,
      externalSubscriptionId: subscription.externalId,
      customerId: customer.id,
      externalCustomerId: customer.externalId,
      currency: plan.amountCurrency,
      timezone,
      appliedTaxes: appliedTaxesOf([fee], taxes),
      periodStartsAt: next.startsAt,
      periodEndsAt: next.endsAt,
      createdAt: now,
      paymentStatus: "pending",
      invoiceId: null,
      invoice: null,
      feeCreatedOwed: true,
    };
    if (await advanceFees.createOnce(record)) made += 1;
    const stored = await advanceFees.record(organizationId, id);
    if (!stored?.feeCreatedOwed) continue;
    const holder = standaloneHolder(stored);
    const embeds = await invoiceEmbeds({ catalog: deps.catalog, organization }, [holder], stored.createdAt);
    const view = embeds.get(holder.id)?.subscriptions.find((c) => c.subscription.id === subscription.id);
    await deps.publish(
      "fee.created",
      organizationId,
      feeCreatedPayload(organizationId, serializeStandaloneFee(stored, view)),
      stableUuid("fee-event", id, "fee.created"),
    );
    await advanceFees.markFeeCreatedPublished(organizationId, id);
  }
  return made;
}
