import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { decimal } from "../money.js";
import { percentageAmount } from "./percentage.js";
import { readPercentage } from "./properties.js";

const values = (...numbers: (number | string)[]) => numbers.map((n) => decimal(n));
const usageOf = (eventValues: ReturnType<typeof values>, eventsCount = eventValues.length) => ({
  units: eventValues.reduce((sum, v) => sum.plus(v), decimal(0)),
  eventsCount,
  eventValues,
});
const price = (usage: ReturnType<typeof usageOf>, properties: Record<string, unknown>) =>
  percentageAmount(usage, readPercentage(properties));

// spec/services/charge_models/percentage_service_spec.rb: 4 events, running totals 50, 150, 400.
const SPEC_EVENTS = usageOf(values(50, 100, 250, 400));
const SPEC_PROPERTIES = {
  rate: "1.3",
  fixed_amount: "2.0",
  free_units_per_events: 3,
  free_units_per_total_aggregation: "250.0",
};

describe("percentage (spec)", () => {
  it("frees the first 250 and the 2 events under it: 7.15 + 2 × 2 = 11.15", () => {
    const priced = price(SPEC_EVENTS, SPEC_PROPERTIES);
    expect(priced.amount.toString()).toBe("11.15");
    expect(priced.amountDetails).toEqual({
      units: "800.0",
      free_units: "250.0",
      free_events: 2,
      paid_units: "550.0",
      rate: "1.3",
      per_unit_total_amount: "7.15",
      paid_events: 2,
      fixed_fee_unit_amount: "2.0",
      fixed_fee_total_amount: "4.0",
      min_max_adjustment_total_amount: "0.0",
    });
  });

  it("gives the same allowance without a free event count", () => {
    const { free_units_per_events: _, ...properties } = SPEC_PROPERTIES;
    expect(price(SPEC_EVENTS, properties).amount.toString()).toBe("11.15");
  });

  it("frees the first 3 events (400) without a free amount: 5.2 + 2 = 7.2", () => {
    const { free_units_per_total_aggregation: _, ...properties } = SPEC_PROPERTIES;
    const priced = price(SPEC_EVENTS, properties);
    expect(priced.amount.toString()).toBe("7.2");
    expect(priced.amountDetails).toMatchObject({ free_units: "400.0", free_events: 3, paid_events: 1 });
  });

  it("frees the first 3 events when the free amount (500) outlasts them: 7.2", () => {
    expect(
      price(SPEC_EVENTS, { ...SPEC_PROPERTIES, free_units_per_total_aggregation: "500.0" }).amount.toString(),
    ).toBe("7.2");
  });

  it("bills every unit and event without allowance: 10.4 + 8 = 18.4", () => {
    expect(price(SPEC_EVENTS, { rate: "1.3", fixed_amount: "2.0" }).amount.toString()).toBe("18.4");
  });

  it("bills only the fixed amounts at a 0 rate: 8", () => {
    expect(price(SPEC_EVENTS, { rate: "0", fixed_amount: "2.0" }).amount.toString()).toBe("8");
  });

  it("prices 4 units at 2.9 % at 0.116", () => {
    expect(price(usageOf(values(1, 1, 1, 1)), { rate: "2.9" }).amount.toString()).toBe("0.116");
  });

  it("bills nothing when the free events outnumber the events", () => {
    const usage = usageOf(values(50, 100, 250));
    expect(
      price(usage, {
        ...SPEC_PROPERTIES,
        free_units_per_events: 5,
        free_units_per_total_aggregation: null,
      }).amount.toString(),
    ).toBe("0");
  });

  it("bills nothing at 0 units, fixed amounts included", () => {
    expect(
      price({ units: decimal(0), eventsCount: 4, eventValues: [] }, SPEC_PROPERTIES).amount.toString(),
    ).toBe("0");
  });
});

describe("percentage with per-transaction bounds (spec)", () => {
  const events = usageOf(values(10, 80, 10_000));
  const bounded = {
    rate: "2.99",
    fixed_amount: "0",
    free_units_per_total_aggregation: "0",
    per_transaction_min_amount: "1.75",
    per_transaction_max_amount: "12",
  };

  it("costs 301.691 without bounds", () => {
    const { per_transaction_min_amount: _min, per_transaction_max_amount: _max, ...properties } = bounded;
    expect(price(events, properties).amount.toString()).toBe("301.691");
  });

  it("raises 0.299 to 1.75 and caps 299 at 12: 1.75 + 2.392 + 12 = 16.142", () => {
    const priced = price(events, bounded);
    expect(priced.amount.toString()).toBe("16.142");
    expect(priced.amountDetails).toMatchObject({ min_max_adjustment_total_amount: "-285.549" });
  });

  it("adds the fixed amount before clamping: 2.299 + 4.392 + 12 = 18.691", () => {
    expect(price(events, { ...bounded, fixed_amount: "2.0" }).amount.toString()).toBe("18.691");
  });

  it("leaves free events out of the minimum: 12", () => {
    expect(price(events, { ...bounded, free_units_per_events: 2 }).amount.toString()).toBe("12");
  });

  it("bills the event that exhausts the free amount on its remainder: 1.794 + 12 = 13.794", () => {
    expect(price(events, { ...bounded, free_units_per_total_aggregation: "30" }).amount.toString()).toBe(
      "13.794",
    );
  });

  it("keeps using the free amount left after the free events: 2.691", () => {
    const properties = { ...bounded, free_units_per_events: 3, free_units_per_total_aggregation: "10000" };
    expect(price(events, properties).amount.toString()).toBe("2.691");
  });
});

describe("percentage (properties)", () => {
  const amount = fc.integer({ min: 0, max: 1_000_000 }).map((n) => decimal(n).dividedBy(100));
  const optionalAmount = fc.option(
    amount.map((d) => d.toString()),
    { nil: undefined },
  );
  const properties = fc
    .record({
      rate: amount.map((d) => d.toString()),
      fixed_amount: optionalAmount,
      free_units_per_events: fc.option(fc.integer({ min: 1, max: 10 }), { nil: undefined }),
      free_units_per_total_aggregation: optionalAmount,
      min: optionalAmount,
      max: optionalAmount,
    })
    .map(({ min, max, ...rest }) => {
      // Validation guarantees min ≤ max.
      const [low, high] = min && max && decimal(min).greaterThan(max) ? [max, min] : [min, max];
      return { ...rest, per_transaction_min_amount: low, per_transaction_max_amount: high };
    });

  it("is never negative for transactions of any non-negative amount", () => {
    fc.assert(
      fc.property(fc.array(amount, { maxLength: 12 }), properties, (eventValues, props) => {
        expect(price(usageOf(eventValues), props).amount.isNegative()).toBe(false);
      }),
    );
  });
});
