import { describe, expect, it } from "vitest";
import type { UsageEvent } from "./usage-event.js";
import { aggregatedUnits, EMPTY_TOTALS, foldEvent, mergeTotals } from "./usage-totals.js";

const event = (properties: Record<string, unknown>): UsageEvent => ({
  lagoId: "e",
  transactionId: "t",
  externalSubscriptionId: "s",
  code: "m",
  timestamp: "2024-01-01T00:00:00.000Z",
  properties,
  preciseTotalAmountCents: null,
  receivedAt: "2024-01-01T00:00:00.000Z",
});

describe("usage totals", () => {
  const sum = { aggregationType: "sum_agg", fieldName: "gb" } as const;

  it("sums numeric values and numeric strings exactly, ignoring the rest", () => {
    const totals = [event({ gb: 0.1 }), event({ gb: "0.2" }), event({ gb: "abc" }), event({})].reduce(
      (acc, e) => foldEvent(acc, sum, e),
      EMPTY_TOTALS,
    );
    expect(totals).toEqual({ eventsCount: 2, sum: "0.3", max: "0.2" });
    expect(aggregatedUnits(sum, totals).toString()).toBe("0.3");
  });

  it("counts every event for count_agg", () => {
    const count = { aggregationType: "count_agg", fieldName: null } as const;
    const totals = foldEvent(foldEvent(EMPTY_TOTALS, count, event({})), count, event({ x: 1 }));
    expect(aggregatedUnits(count, totals).toString()).toBe("2");
  });

  it("merges in any order to the same totals", () => {
    const a = foldEvent(EMPTY_TOTALS, sum, event({ gb: 5 }));
    const b = foldEvent(EMPTY_TOTALS, sum, event({ gb: 7 }));
    expect(mergeTotals(a, b)).toEqual(mergeTotals(b, a));
    expect(mergeTotals(a, EMPTY_TOTALS)).toEqual(a);
    expect(aggregatedUnits({ aggregationType: "max_agg" }, mergeTotals(a, b)).toString()).toBe("7");
  });
});
