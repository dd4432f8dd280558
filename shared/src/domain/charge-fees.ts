import type Decimal from "decimal.js";
import {
  aggregateProratedUsage,
  aggregateUsage,
  bucketByChargeFilters,
  type ChargesWindow,
  groupByPricingKeys,
  type UsageAggregation,
} from "./aggregation/index.js";
import type { BillableMetric, Charge, ChargeFilter, Plan } from "./catalog.js";
import { chargeAmount } from "./charges/charge-amount.js";
import { toMinorUnits, toPreciseMinorUnits } from "./money.js";
import type { UsageEvent } from "./usage-event.js";

/**
 * One fee of a charge over a billing window: the whole charge, or one of its filters (or the
 * default bucket of a filtered charge), or one pricing group of either. What current usage shows
 * and an invoice bills.
 */
export interface ChargeFee {
  readonly charge: Charge;
  readonly metric: BillableMetric;
  /** The charge filter priced, null for the charge itself or its default bucket. */
  readonly filter: ChargeFilter | null;
  /** Values of the pricing group keys, null when the charge does not group. */
  readonly groupedBy: Readonly<Record<string, string | null>> | null;
  readonly units: Decimal;
  readonly eventsCount: number;
  readonly totalAggregatedUnits: Decimal | null;
  /** Unrounded, in currency units. */
  readonly amount: Decimal;
  readonly unitAmount: Decimal;
  readonly amountDetails: Readonly<Record<string, unknown>>;
  /** Rounded once, half-up, to the currency's minor unit (as Lago's `Fees::ChargeService`). */
  readonly amountCents: number;
  readonly preciseAmountCents: Decimal;
}

/** Group keys of a charge's (or filter's) properties: `pricing_group_keys`, or Lago's older `grouped_by`. */
export function pricingGroupKeys(properties: Readonly<Record<string, unknown>>): string[] {
  const keys = properties.pricing_group_keys ?? properties.grouped_by;
  return Array.isArray(keys)
    ? keys.filter((key): key is string => typeof key === "string" && key.length > 0)
    : [];
}

/** Every pricing group key the plan's charges on a metric use: what usage of that metric is split by. */
export function planGroupKeys(plan: Pick<Plan, "charges">, metricCode: string): string[] {
  const keys = new Set<string>();
  for (const charge of plan.charges) {
    if (charge.billableMetricCode !== metricCode) continue;
    for (const key of pricingGroupKeys(charge.properties)) keys.add(key);
    for (const filter of charge.filters) for (const key of pricingGroupKeys(filter.properties)) keys.add(key);
  }
  return [...keys].sort();
}

function aggregate(
  charge: Charge,
  metric: BillableMetric,
  events: readonly UsageEvent[],
  window: ChargesWindow,
) {
  if (charge.prorated) {
    const prorated = aggregateProratedUsage(metric, events, window);
    // Prorated graduated walks its tiers event by event, with each event's full and prorated value.
    const proratedEvents = prorated.eventValues.map((full, index) => ({
      full,
      prorated: prorated.proratedEventValues[index] ?? full,
    }));
    return { aggregation: prorated as UsageAggregation, fullUnits: prorated.fullUnits, proratedEvents };
  }
  return {
    aggregation: aggregateUsage(metric, events, window),
    fullUnits: undefined,
    proratedEvents: undefined,
  };
}

/** What one fee's bucket of usage is priced from, whichever path aggregated it. */
export interface FeeUsage {
  readonly aggregation: UsageAggregation;
  readonly fullUnits?: Decimal;
  readonly proratedEvents?: readonly { full: Decimal; prorated: Decimal }[];
}

/** Prices one bucket's usage with the charge model and the bucket's properties. */
export function buildFee(
  charge: Charge,
  metric: BillableMetric,
  bucket: { filter: ChargeFilter | null; properties: Readonly<Record<string, unknown>> },
  groupedBy: Readonly<Record<string, string | null>> | null,
  { aggregation, fullUnits, proratedEvents }: FeeUsage,
  currency: string,
): ChargeFee {
  const priced = chargeAmount(
    { chargeModel: charge.chargeModel, properties: bucket.properties, prorated: charge.prorated },
    {
      units: aggregation.units,
      eventsCount: aggregation.eventsCount,
      eventValues: aggregation.eventValues,
      preciseTotalAmountCents: aggregation.preciseTotalAmountCents,
      fullUnits,
      proratedEvents,
    },
    currency,
  );
  return {
    charge,
    metric,
    filter: bucket.filter,
    groupedBy,
    units: aggregation.units,
    eventsCount: aggregation.eventsCount,
    totalAggregatedUnits: aggregation.totalAggregatedUnits,
    amount: priced.amount,
    unitAmount: priced.unitAmount,
    amountDetails: priced.amountDetails,
    amountCents: toMinorUnits(priced.amount, currency),
    preciseAmountCents: toPreciseMinorUnits(priced.amount, currency),
  };
}

/** The buckets a charge is priced in: each filter, then the usage no filter matched. */
export function feeBuckets(
  charge: Charge,
): Array<{ filter: ChargeFilter | null; properties: Readonly<Record<string, unknown>> }> {
  return [
    ...charge.filters.map((filter) => ({ filter, properties: filter.properties })),
    { filter: null, properties: charge.properties },
  ];
}

function priceBucket(
  charge: Charge,
  metric: BillableMetric,
  bucket: { filter: ChargeFilter | null; properties: Readonly<Record<string, unknown>> },
  events: readonly UsageEvent[],
  window: ChargesWindow,
  currency: string,
): ChargeFee[] {
  const keys = pricingGroupKeys(bucket.properties);
  const groups = keys.length > 0 ? groupByPricingKeys(keys, events) : [{ groupedBy: null, events }];
  return groups.map((group) =>
    buildFee(
      charge,
      metric,
      bucket,
      group.groupedBy,
      aggregate(charge, metric, group.events, window),
      currency,
    ),
  );
}

/**
 * Prices every charge of a plan over a window, from the subscription's raw events: a charge with
 * filters gives one fee per filter and one for the usage no filter matched (priced with the
 * charge's own properties); pricing groups split each of those further.
 */
export function priceCharges(
  plan: Pick<Plan, "charges" | "amountCurrency">,
  metrics: ReadonlyMap<string, BillableMetric>,
  events: readonly UsageEvent[],
  window: ChargesWindow,
): ChargeFee[] {
  return plan.charges.flatMap((charge) => {
    const metric = metrics.get(charge.billableMetricCode);
    if (!metric)
      throw new Error(`billable metric ${charge.billableMetricCode} of charge ${charge.id} is missing`);
    const own = events.filter((event) => event.code === metric.code);
    if (charge.filters.length === 0) {
      return priceBucket(
        charge,
        metric,
        { filter: null, properties: charge.properties },
        own,
        window,
        plan.amountCurrency,
      );
    }
    const buckets = bucketByChargeFilters(
      metric.filters,
      charge.filters.map((filter) => ({ id: filter.id, values: filter.values })),
      own,
    );
    return [
      ...charge.filters.flatMap((filter) =>
        priceBucket(
          charge,
          metric,
          { filter, properties: filter.properties },
          buckets.byFilterId.get(filter.id) ?? [],
          window,
          plan.amountCurrency,
        ),
      ),
      ...priceBucket(
        charge,
        metric,
        { filter: null, properties: charge.properties },
        buckets.defaultBucket,
        window,
        plan.amountCurrency,
      ),
    ];
  });
}

/** A fee with nothing in it: Lago does not put such a fee on an invoice. */
export function isEmptyFee(fee: Pick<ChargeFee, "units" | "eventsCount" | "amountCents">): boolean {
  return fee.units.isZero() && fee.eventsCount === 0 && fee.amountCents === 0;
}

/** A decimal as Lago's JSON shows BigDecimals: always with a fractional part ("3.0", "0.25"). */
export function lagoDecimal(value: Decimal): string {
  const text = value.toFixed();
  return text.includes(".") ? text : `${text}.0`;
}
