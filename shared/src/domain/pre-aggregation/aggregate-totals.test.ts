import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { metricDefinition, usageEvent } from "../aggregation/test-events.js";
import { EMPTY_TOTALS, foldEvent, foldEvents, MIXED_TIMEZONES, mergeTotals } from "./aggregate-totals.js";
import { scenario } from "./test-arbitraries.js";
import type { AggregateTotals } from "./types.js";

/** Totals of random events of a random metric, split in three, in one zone. */
const threeTotals = scenario.chain((s) =>
  fc
    .array(fc.integer({ min: 0, max: 2 }), { minLength: s.events.length, maxLength: s.events.length })
    .map((parts) => {
      const part = (n: number) =>
        foldEvents(
          s.metric,
          s.events.filter((_, index) => parts[index] === n),
          s.timezone,
        );
      return { s, a: part(0), b: part(1), c: part(2) };
    }),
);

describe("mergeTotals", () => {
  it("is commutative and associative, with EMPTY_TOTALS as identity", () => {
    fc.assert(
      fc.property(threeTotals, ({ a, b, c }) => {
        expect(mergeTotals(a, b)).toEqual(mergeTotals(b, a));
        expect(mergeTotals(mergeTotals(a, b), c)).toEqual(mergeTotals(a, mergeTotals(b, c)));
        expect(mergeTotals(a, EMPTY_TOTALS)).toEqual(a);
        expect(mergeTotals(EMPTY_TOTALS, a)).toEqual(a);
      }),
      { numRuns: 200 },
    );
  });

  it("merges the folds of a split into the fold of the whole", () => {
    fc.assert(
      fc.property(threeTotals, ({ s, a, b, c }) => {
        expect(mergeTotals(mergeTotals(a, b), c)).toEqual(foldEvents(s.metric, s.events, s.timezone));
      }),
      { numRuns: 200 },
    );
  });

  it("marks day sums folded in different zones as mixed, for good", () => {
    const sum = metricDefinition("sum_agg");
    const event = usageEvent("2024-03-02T00:00:00Z", { value: 1 });
    const paris = foldEvent(EMPTY_TOTALS, sum, event, "Europe/Paris");
    const utc = foldEvent(EMPTY_TOTALS, sum, event, "UTC");
    expect(mergeTotals(paris, paris).dayTimezone).toBe("Europe/Paris");
    expect(mergeTotals(paris, utc).dayTimezone).toBe(MIXED_TIMEZONES);
    expect(mergeTotals(mergeTotals(paris, utc), paris).dayTimezone).toBe(MIXED_TIMEZONES);
  });
});

describe("foldEvent", () => {
  const at = "2024-03-02T10:00:00Z";
  const fold = (type: Parameters<typeof metricDefinition>[0], properties: Record<string, unknown>) =>
    foldEvent(
      EMPTY_TOTALS,
      metricDefinition(type),
      usageEvent(at, properties, { preciseTotalAmountCents: "12.5" }),
      "UTC",
    );

  it("ignores events of another code", () => {
    const other = usageEvent(at, { value: 3 }, { code: "other" });
    expect(foldEvent(EMPTY_TOTALS, metricDefinition("count_agg"), other, "UTC")).toBe(EMPTY_TOTALS);
  });

  it("counts what each type reads, and the amounts of those events only", () => {
    expect(fold("count_agg", {})).toMatchObject({ eventsCount: 1, preciseTotalAmountCents: "12.5" });
    expect(fold("sum_agg", { value: "abc" })).toBe(EMPTY_TOTALS);
    expect(fold("unique_count_agg", { value: "abc" })).toMatchObject({ eventsCount: 1, sum: "0" });
    expect(fold("unique_count_agg", {})).toBe(EMPTY_TOTALS);
  });

  it("keeps only the fields the type needs", () => {
    const ms = Date.parse(at);
    const day = Math.floor(ms / 86_400_000);
    expect(fold("sum_agg", { value: "2.5" })).toEqual<AggregateTotals>({
      ...EMPTY_TOTALS,
      eventsCount: 1,
      preciseTotalAmountCents: "12.5",
      sum: "2.5",
      dayWeightedSum: String(2.5 * day),
      dayTimezone: "UTC",
    });
    expect(fold("weighted_sum_agg", { value: 2 })).toMatchObject({
      sum: "2",
      weightedTimeSum: String(2 * ms),
    });
    expect(fold("max_agg", { value: -3 })).toMatchObject({ max: "-3", sum: "0" });
    expect(fold("latest_agg", { value: 4 }).latest).toMatchObject({
      timestamp: new Date(at).toISOString(),
      value: "4",
    });
  });
});
