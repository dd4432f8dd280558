import { describe, expect, it } from "vitest";
import { plan, requestsCharge, requestsMetric, subscription } from "../serializers/test-fixtures.js";
import type { ChargeFee } from "./charge-fees.js";
import { chargeFeeItem, chargeFilterDisplayName, invoiceBillingPeriod } from "./invoice.js";
import { decimal } from "./money.js";
import { periodContaining } from "./periods.js";
import { billingWindow } from "./subscription-periods.js";

const [euFilter] = requestsCharge.filters;

const fee = (overrides: Partial<ChargeFee>): ChargeFee => ({
  charge: requestsCharge,
  metric: requestsMetric,
  filter: null,
  groupedBy: null,
  units: decimal(12),
  eventsCount: 3,
  totalAggregatedUnits: null,
  amount: decimal("0.012"),
  unitAmount: decimal("0.001"),
  amountDetails: {},
  amountCents: 1,
  preciseAmountCents: decimal("1.2"),
  ...overrides,
});

describe("invoice fee items", () => {
  it("name a charge filter by its display name, else its values, a key taking every value by the key", () => {
    expect(chargeFilterDisplayName({ invoiceDisplayName: "EU", values: { region: ["eu"] } })).toBe("EU");
    expect(
      chargeFilterDisplayName({
        invoiceDisplayName: null,
        values: { region: ["eu", "us"], tier: ["__ALL_FILTER_VALUES__"] },
      }),
    ).toBe("eu, us, tier");
  });

  it("keep a charge fee's metric, filter and aggregated units", () => {
    expect(chargeFeeItem(fee({ filter: euFilter ?? null, totalAggregatedUnits: decimal(40) }))).toEqual({
      billableMetricId: requestsMetric.id,
      itemDescription: "API requests",
      chargeFilterValues: { region: ["eu"], tier: ["__ALL_FILTER_VALUES__"] },
      filterInvoiceDisplayName: "eu, tier",
      totalAggregatedUnits: "40.0",
    });
    expect(chargeFeeItem(fee({}))).toMatchObject({
      chargeFilterValues: null,
      filterInvoiceDisplayName: null,
      totalAggregatedUnits: "12.0",
    });
  });
});

describe("invoice billing periods", () => {
  const timezone = "America/New_York";
  const february = periodContaining(
    { interval: "monthly", billingTime: "calendar", anchorDate: "2026-02-10" },
    timezone,
    "2026-02-15T00:00:00.000Z",
  );

  it("span the base fee's local days and the usage counted, for a period closed at its end", () => {
    const window = billingWindow(subscription, february, timezone);
    expect(invoiceBillingPeriod(subscription, window, timezone)).toEqual({
      subscriptionId: subscription.id,
      externalSubscriptionId: "acme-main",
      planId: plan.id,
      fromDatetime: "2026-02-10T05:00:00.000Z",
      toDatetime: "2026-03-01T04:59:59.000Z",
      chargesFromDatetime: "2026-02-10T15:00:00.000Z",
      chargesToDatetime: "2026-03-01T04:59:59.000Z",
      invoicingReason: "subscription_periodic",
    });
  });

  it("end at a termination inside the period", () => {
    const terminated = { ...subscription, terminatedAt: "2026-02-20T12:00:00.000Z" };
    const period = invoiceBillingPeriod(terminated, billingWindow(terminated, february, timezone), timezone);
    expect(period).toMatchObject({
      toDatetime: "2026-02-20T12:00:00.000Z",
      invoicingReason: "subscription_terminating",
    });
  });
});
