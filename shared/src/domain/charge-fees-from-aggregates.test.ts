import { describe, expect, it } from "vitest";
import type { ChargesWindow } from "./aggregation/index.js";
import { usageEvent } from "./aggregation/test-events.js";
import type { BillableMetric, Charge } from "./catalog.js";
import { priceCharges } from "./charge-fees.js";
import {
  type CarriedUsage,
  type MetricAggregates,
  priceChargeFromAggregates,
  withCarriedUsage,
} from "./charge-fees-from-aggregates.js";
import { foldEvents } from "./pre-aggregation/index.js";
import { foldUniqueValues } from "./pre-aggregation/unique-values.js";
import type { UsageEvent } from "./usage-event.js";

const metric = (overrides: Partial<BillableMetric>): BillableMetric => ({
  id: "metric-1",
  organizationId: "org",
  name: "Seats",
  code: "seats",
  description: null,
  aggregationType: "sum_agg",
  fieldName: "value",
  recurring: true,
  roundingFunction: null,
  roundingPrecision: null,
  weightedInterval: null,
  filters: [],
  createdAt: "2026-01-01T00:00:00.000Z",
  ...overrides,
});

const charge: Charge = {
  id: "charge-1",
  billableMetricId: "metric-1",
  billableMetricCode: "seats",
  chargeModel: "standard",
  properties: { amount: "2" },
  filters: [],
  payInAdvance: false,
  invoiceable: true,
  regroupPaidFees: null,
  prorated: false,
  minAmountCents: 0,
  invoiceDisplayName: null,
  taxCodes: [],
  createdAt: "2026-01-01T00:00:00.000Z",
};

/** The successor's first period after an upgrade on March 15: its charges count from then. */
const SUCCESSOR_MARCH: ChargesWindow = {
  from: "2026-03-15T12:00:00.000Z",
  to: "2026-04-01T00:00:00.000Z",
  periodDays: 31,
  timezone: "UTC",
};
const bucket = { filters: {}, groups: {} };

const seat = (timestamp: string, value: number | string, operation?: "remove") =>
  usageEvent(timestamp, { value, ...(operation ? { operation_type: operation } : {}) }, { code: "seats" });

/** Aggregates of a subscription's events as the store keeps them, all in one bucket and period. */
function aggregatesOf(definition: BillableMetric, events: readonly UsageEvent[]): MetricAggregates {
  return {
    period: [{ bucket, totals: foldEvents(definition, events, "UTC") }],
    earlier: [],
    uniqueValues: [...foldUniqueValues(definition, events).values()].map((state) => ({ bucket, state })),
  };
}

function carriedOf(definition: BillableMetric, events: readonly UsageEvent[]): CarriedUsage {
  const aggregates = aggregatesOf(definition, events);
  return { totals: aggregates.period, uniqueValues: aggregates.uniqueValues };
}

/** The successor's fee from its aggregates with the predecessor's carried in, and from raw events. */
function bothWays(
  definition: BillableMetric,
  predecessor: readonly UsageEvent[],
  successor: readonly UsageEvent[],
) {
  const aggregates = withCarriedUsage(
    definition,
    aggregatesOf(definition, successor),
    [carriedOf(definition, predecessor)],
    SUCCESSOR_MARCH,
  );
  const [fromAggregates] = priceChargeFromAggregates(charge, definition, aggregates, SUCCESSOR_MARCH, "EUR");
  // The reference engine reads every event of the external id the two subscriptions share.
  const [fromEvents] = priceCharges(
    { charges: [charge], amountCurrency: "EUR" },
    new Map([[definition.code, definition]]),
    [...predecessor, ...successor],
    SUCCESSOR_MARCH,
  );
  return { fromAggregates, fromEvents };
}

describe("recurring usage carried across a plan change", () => {
  it("a recurring sum goes on from the predecessor's value at the upgrade", () => {
    const sum = metric({ aggregationType: "sum_agg" });
    // 3 seats in February and 4 on March 10 on the old plan; 2 more after the upgrade.
    const { fromAggregates, fromEvents } = bothWays(
      sum,
      [seat("2026-02-10T00:00:00Z", 3), seat("2026-03-10T00:00:00Z", 4)],
      [seat("2026-03-20T00:00:00Z", 2)],
    );
    // 9 seats × 2.00 = 18.00.
    expect(fromAggregates?.units.toString()).toBe("9");
    expect(fromAggregates?.amountCents).toBe(1800);
    expect(fromEvents?.units.toString()).toBe("9");
    expect(fromEvents?.amountCents).toBe(1800);
  });

  it("a recurring unique count keeps the predecessor's values, the latest operation on each winning", () => {
    const unique = metric({ aggregationType: "unique_count_agg", code: "seats" });
    const { fromAggregates, fromEvents } = bothWays(
      unique,
      [seat("2026-03-01T00:00:00Z", "alice"), seat("2026-03-02T00:00:00Z", "bob")],
      // After the upgrade alice leaves and carol joins: bob and carol remain.
      [seat("2026-03-16T00:00:00Z", "alice", "remove"), seat("2026-03-17T00:00:00Z", "carol")],
    );
    expect(fromAggregates?.units.toString()).toBe("2");
    expect(fromAggregates?.amountCents).toBe(400);
    expect(fromEvents?.units.toString()).toBe("2");
  });

  it("a metered metric restarts at the plan change", () => {
    const metered = metric({ aggregationType: "sum_agg", recurring: false });
    const own = aggregatesOf(metered, [seat("2026-03-20T00:00:00Z", 2)]);
    const carried = [carriedOf(metered, [seat("2026-03-10T00:00:00Z", 4)])];
    expect(withCarriedUsage(metered, own, carried, SUCCESSOR_MARCH)).toBe(own);
    const [fee] = priceChargeFromAggregates(charge, metered, own, SUCCESSOR_MARCH, "EUR");
    expect(fee?.units.toString()).toBe("2");
  });

  it("leaves out a predecessor's value state from after the window", () => {
    const unique = metric({ aggregationType: "unique_count_agg" });
    const carried = carriedOf(unique, [
      seat("2026-03-01T00:00:00Z", "alice"),
      seat("2026-04-02T00:00:00Z", "dave"),
    ]);
    const merged = withCarriedUsage(unique, aggregatesOf(unique, []), [carried], SUCCESSOR_MARCH);
    expect(merged.uniqueValues.map((entry) => entry.state.value)).toEqual(["alice"]);
    const [fee] = priceChargeFromAggregates(charge, unique, merged, SUCCESSOR_MARCH, "EUR");
    expect(fee?.units.toString()).toBe("1");
  });

  it("carries through every plan change back to the first plan", () => {
    const sum = metric({ aggregationType: "sum_agg" });
    const merged = withCarriedUsage(
      sum,
      aggregatesOf(sum, [seat("2026-03-20T00:00:00Z", 1)]),
      [carriedOf(sum, [seat("2026-03-05T00:00:00Z", 5)]), carriedOf(sum, [seat("2026-01-05T00:00:00Z", 10)])],
      SUCCESSOR_MARCH,
    );
    const [fee] = priceChargeFromAggregates(charge, sum, merged, SUCCESSOR_MARCH, "EUR");
    expect(fee?.units.toString()).toBe("16");
  });
});
