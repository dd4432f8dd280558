import { describe, expect, it } from "vitest";
import type { MetricFilter } from "../catalog.js";
import {
  ALL_FILTER_VALUES,
  bucketByChargeFilters,
  type ChargeFilterDefinition,
  chargeFilterMatcher,
} from "./charge-filters.js";
import { usageEvent } from "./test-events.js";

const METRIC_FILTERS: MetricFilter[] = [
  { key: "region", values: ["us", "eu", "asia"] },
  { key: "tier", values: ["free", "pro"] },
];
const at = "2023-03-02T00:00:00Z";

describe("bucketByChargeFilters", () => {
  const us: ChargeFilterDefinition = { id: "us", values: { region: ["us"] } };
  const filters: ChargeFilterDefinition[] = [
    { id: "all-regions", values: { region: [ALL_FILTER_VALUES] } },
    us,
    { id: "us-pro", values: { region: ["us"], tier: ["pro"] } },
  ];

  it("puts each event in its most specific filter and the rest in the default bucket", () => {
    const usPro = usageEvent(at, { region: "us", tier: "pro" });
    const usFree = usageEvent(at, { region: "us", tier: "free" });
    const eu = usageEvent(at, { region: "eu", tier: "pro" });
    const undeclared = usageEvent(at, { region: "mars" });
    const missing = usageEvent(at, { tier: "pro" });
    const buckets = bucketByChargeFilters(METRIC_FILTERS, filters, [usPro, usFree, eu, undeclared, missing]);
    expect(buckets.byFilterId.get("us-pro")).toEqual([usPro]);
    expect(buckets.byFilterId.get("us")).toEqual([usFree]);
    expect(buckets.byFilterId.get("all-regions")).toEqual([eu]);
    expect(buckets.defaultBucket).toEqual([undeclared, missing]);
  });

  it("lists every filter, even without events", () => {
    const buckets = bucketByChargeFilters(METRIC_FILTERS, filters, []);
    expect([...buckets.byFilterId.keys()]).toEqual(["all-regions", "us", "us-pro"]);
    expect(buckets.defaultBucket).toEqual([]);
  });

  it("compares property values as text", () => {
    const match = chargeFilterMatcher(
      [{ key: "plan", values: ["1", "2"] }],
      [{ id: "one", values: { plan: ["1"] } }],
    );
    expect(match(usageEvent(at, { plan: 1 }))).toBe("one");
    expect(match(usageEvent(at, { plan: "1" }))).toBe("one");
    expect(match(usageEvent(at, { plan: 2 }))).toBeNull();
  });

  it("refuses duplicate filter ids", () => {
    expect(() => chargeFilterMatcher(METRIC_FILTERS, [us, us])).toThrow(RangeError);
  });
});

describe("most specific filter", () => {
  const match = (filterValues: Record<string, string[]>[], properties: Record<string, unknown>) =>
    chargeFilterMatcher(
      METRIC_FILTERS,
      filterValues.map((values, index) => ({ id: `f${index}`, values })),
    )(usageEvent(at, properties));
  const usPro = { region: "us", tier: "pro" };

  it("prefers more keys, whatever the order of the filters", () => {
    expect(match([{ region: ["us"] }, { region: ["us"], tier: ["pro"] }], usPro)).toBe("f1");
    expect(match([{ region: ["us"], tier: ["pro"] }, { region: ["us"] }], usPro)).toBe("f0");
  });

  it("prefers, among the same keys, values that are a subset of the other's", () => {
    expect(match([{ region: ["us", "eu"] }, { region: ["us"] }], usPro)).toBe("f1");
    expect(match([{ region: ["us"] }, { region: ["us", "eu"] }], usPro)).toBe("f0");
  });

  it("prefers explicit values to __ALL_FILTER_VALUES__, even listing every declared value", () => {
    expect(match([{ region: [ALL_FILTER_VALUES] }, { region: ["us", "eu", "asia"] }], usPro)).toBe("f1");
    expect(match([{ region: ["us", "eu", "asia"] }, { region: [ALL_FILTER_VALUES] }], usPro)).toBe("f0");
  });

  it("gives identical filters' events to the oldest (first) one", () => {
    expect(match([{ region: ["us"] }, { region: ["us"] }], usPro)).toBe("f0");
  });

  it("settles the overlaps where Lago counts twice: fewer value combinations, then the first filter", () => {
    expect(match([{ region: ["us", "eu", "asia"] }, { region: ["us", "eu"] }], usPro)).toBe("f1");
    expect(match([{ region: ["us", "eu"] }, { region: ["us", "asia"] }], usPro)).toBe("f0");
    expect(match([{ region: ["us", "eu"] }, { tier: ["pro"] }], usPro)).toBe("f1");
  });
});
