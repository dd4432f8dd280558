import { describe, expect, it } from "vitest";
import type { ChargeFee } from "#shared/domain/charge-fees.js";
import { decimal } from "#shared/domain/money.js";
import { requestsCharge, requestsMetric } from "#shared/serializers/test-fixtures.js";
import { chargesUsage } from "./charges-usage.js";

const [euFilter] = requestsCharge.filters;

const fee = (filtered: boolean, team: string, units: number, amountCents: number): ChargeFee => ({
  charge: requestsCharge,
  metric: requestsMetric,
  filter: filtered ? (euFilter ?? null) : null,
  groupedBy: { team },
  units: decimal(units),
  eventsCount: 1,
  // A recurring total larger than the period's units, as a recurring sum has.
  totalAggregatedUnits: decimal(units * 10),
  amount: decimal(amountCents).dividedBy(100),
  unitAmount: decimal("0.001"),
  amountDetails: {},
  amountCents,
  preciseAmountCents: decimal(amountCents),
});

describe("charges usage", () => {
  const fees = [fee(true, "red", 3, 30), fee(false, "red", 1, 5), fee(true, "blue", 2, 20)];
  const [usage] = chargesUsage(fees, "EUR");

  it("totals a charge's units, aggregated units, events and amounts", () => {
    expect(usage).toMatchObject({
      units: "6.0",
      total_aggregated_units: "60.0",
      events_count: 3,
      amount_cents: 55,
      amount_currency: "EUR",
      pricing_unit_details: null,
      presentation_breakdowns: [],
      charge: { lago_id: requestsCharge.id, code: null, charge_model: "standard" },
      billable_metric: { lago_id: requestsMetric.id, code: "requests", aggregation_type: "sum_agg" },
    });
  });

  it("shows its filters over all its usage, pricing groups included, the default bucket with null values", () => {
    expect(usage?.filters.map((f) => [f.values, f.units, f.amount_cents, f.invoice_display_name])).toEqual([
      [{ region: ["eu"], tier: ["__ALL_FILTER_VALUES__"] }, "5.0", 50, null],
      [null, "1.0", 5, null],
    ]);
  });

  it("shows each pricing group with its own filters", () => {
    expect(
      usage?.grouped_usage.map((g) => [g.grouped_by, g.units, g.filters.map((f) => f.amount_cents)]),
    ).toEqual([
      [{ team: "red" }, "4.0", [30, 5]],
      [{ team: "blue" }, "2.0", [20]],
    ]);
  });
});
