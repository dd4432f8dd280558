import { describe, expect, it } from "vitest";
import { metricDefinition } from "../aggregation/test-events.js";
import type { ChargeModel } from "../catalog.js";
import { needsRawEvents } from "./needs-raw-events.js";

const sum = metricDefinition("sum_agg");
const recurringSum = metricDefinition("sum_agg", { recurring: true });
const charge = (chargeModel: ChargeModel, properties: Record<string, unknown> = {}, prorated = false) => ({
  chargeModel,
  properties,
  prorated,
});

describe("needsRawEvents", () => {
  it("prices plain models from totals", () => {
    for (const model of [
      "standard",
      "graduated",
      "graduated_percentage",
      "package",
      "volume",
      "dynamic",
    ] as const) {
      expect(needsRawEvents(charge(model), sum)).toBe(false);
    }
    expect(needsRawEvents(charge("percentage", { rate: "1", fixed_amount: "0.5" }), sum)).toBe(false);
  });

  it("needs events for a percentage allowance or per-transaction bounds", () => {
    for (const properties of [
      { rate: "1", free_units_per_events: 2 },
      { rate: "1", free_units_per_total_aggregation: "10" },
      { rate: "1", per_transaction_min_amount: "0.1" },
      { rate: "1", per_transaction_max_amount: "5" },
    ]) {
      expect(needsRawEvents(charge("percentage", properties), sum)).toBe(true);
    }
    // Zero allowances are no allowance.
    expect(
      needsRawEvents(
        charge("percentage", { rate: "1", free_units_per_events: 0, free_units_per_total_aggregation: "0" }),
        sum,
      ),
    ).toBe(false);
  });

  it("looks at the properties of every charge filter too", () => {
    const filtered = {
      ...charge("percentage", { rate: "1" }),
      filters: [
        { properties: { rate: "2" } },
        { properties: { rate: "2", per_transaction_max_amount: "3" } },
      ],
    };
    expect(needsRawEvents(filtered, sum)).toBe(true);
  });

  it("prorates a recurring sum from totals except in the graduated model", () => {
    expect(needsRawEvents(charge("standard", {}, true), recurringSum)).toBe(false);
    expect(needsRawEvents(charge("volume", {}, true), recurringSum)).toBe(false);
    expect(needsRawEvents(charge("graduated", {}, true), recurringSum)).toBe(true);
  });

  it("needs events for a prorated unique count, and leaves what cannot be prorated to the reference", () => {
    const recurringUnique = metricDefinition("unique_count_agg", { recurring: true });
    expect(needsRawEvents(charge("standard", {}, true), recurringUnique)).toBe(true);
    expect(needsRawEvents(charge("standard", {}, true), sum)).toBe(true);
    expect(needsRawEvents(charge("standard", {}, false), recurringUnique)).toBe(false);
  });
});
