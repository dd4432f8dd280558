/**
 * The invariant every ingestion fault must keep: the usage priced from pre-aggregated data equals
 * the usage the reference engine prices from the stored raw events, and each event is stored once.
 */
import { expect } from "vitest";
import { applicableTimezone, type BillableMetric } from "../../shared/src/domain/catalog.js";
import { type ChargeFee, isEmptyFee, priceCharges } from "../../shared/src/domain/charge-fees.js";
import { billingWindow, subscriptionPeriodAt } from "../../shared/src/domain/subscription-periods.js";
import { CatalogStore } from "../../shared/src/store/catalog-store.js";
import { EventStore } from "../../shared/src/store/event-store.js";
import { OrganizationStore } from "../../shared/src/store/organization-store.js";
import { UsageStore } from "../../shared/src/store/usage-store.js";
import { periodChargeFees } from "../../shared/src/usage/period-charge-fees.js";

const comparable = (fees: readonly ChargeFee[]) =>
  fees
    .filter((fee) => !isEmptyFee(fee))
    .map((fee) => ({
      charge: fee.charge.billableMetricCode,
      filter: fee.filter?.id ?? null,
      groupedBy: fee.groupedBy,
      units: fee.units.toString(),
      eventsCount: fee.eventsCount,
      amountCents: fee.amountCents,
    }));

/** Checks the invariant for the periods holding `instants`; returns the fees priced from aggregates. */
export async function expectAggregatesMatchEvents(
  organizationId: string,
  externalSubscriptionId: string,
  instants: readonly string[],
): Promise<ChargeFee[][]> {
  const catalog = new CatalogStore();
  const events = new EventStore();
  const usage = new UsageStore();
  const subscription = await catalog.getSubscription(organizationId, externalSubscriptionId);
  if (!subscription) throw new Error("no subscription");
  const [plan, customer, organization, stored] = await Promise.all([
    catalog.planOf(subscription),
    catalog.customerOf(subscription),
    new OrganizationStore().get(organizationId),
    events.listForSubscription(organizationId, externalSubscriptionId),
  ]);
  if (!plan || !customer || !organization) throw new Error("incomplete catalog");
  const keys = stored.map((event) => event.transactionId);
  expect(new Set(keys).size, "an event stored twice").toBe(keys.length);

  const timezone = applicableTimezone(customer, organization);
  const metrics = new Map<string, BillableMetric>();
  for (const code of new Set(plan.charges.map((charge) => charge.billableMetricCode))) {
    const metric = await catalog.getMetric(organizationId, code);
    if (metric) metrics.set(code, metric);
  }
  const results: ChargeFee[][] = [];
  for (const instant of instants) {
    const window = billingWindow(
      subscription,
      subscriptionPeriodAt(subscription, plan, timezone, instant),
      timezone,
    );
    // Raw events are out of reach here: every charge must be priced from the aggregates alone.
    const noRawEvents = Object.assign(Object.create(events) as EventStore, {
      listForSubscription: async () => {
        throw new Error("priced from raw events, not from the aggregates");
      },
    });
    const fromAggregates = await periodChargeFees(
      { catalog, events: noRawEvents, usage },
      subscription,
      plan,
      window,
      timezone,
    );
    const fromEvents = priceCharges(plan, metrics, stored, {
      from: window.chargesFrom,
      to: window.chargesUntil,
      periodDays: window.period.days,
      timezone,
    });
    expect(comparable(fromAggregates), `usage of the period holding ${instant}`).toEqual(
      comparable(fromEvents),
    );
    results.push(fromAggregates);
  }
  return results;
}
