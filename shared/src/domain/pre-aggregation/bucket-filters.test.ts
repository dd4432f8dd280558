import fc from "fast-check";
import { describe, expect, it } from "vitest";
import {
  ALL_FILTER_VALUES,
  type ChargeFilterDefinition,
  chargeFilterMatcher,
} from "../aggregation/charge-filters.js";
import { usageEvent } from "../aggregation/test-events.js";
import { bucketChargeFilterMatcher, bucketsCanMatch, chargeFilterOfBucket } from "./bucket-filters.js";
import { pricingGroupOfBucket } from "./bucket-groups.js";
import { scenario } from "./test-arbitraries.js";
import { usageBucket } from "./usage-bucket.js";

const METRIC_FILTERS = [
  { key: "region", values: ["us", "eu"] },
  { key: "tier", values: ["free", "pro"] },
];
const at = "2024-03-02T00:00:00Z";

describe("charge filter of a bucket", () => {
  it("agrees with the reference matcher for every event, whatever the charge filters", () => {
    fc.assert(
      fc.property(scenario, (s) => {
        const byEvent = chargeFilterMatcher(s.metric.filters, s.chargeFilters);
        const byBucket = bucketChargeFilterMatcher(s.metric.filters, s.chargeFilters);
        for (const event of s.events) {
          expect(byBucket(usageBucket(s.metric, s.groupKeys, event))).toBe(byEvent(event));
        }
      }),
      { numRuns: 250 },
    );
  });

  it("sends a bucket to its most specific filter, or to the default bucket", () => {
    const filters: ChargeFilterDefinition[] = [
      { id: "all-regions", values: { region: [ALL_FILTER_VALUES] } },
      { id: "us-pro", values: { region: ["us"], tier: ["pro"] } },
    ];
    const bucketOf = (properties: Record<string, unknown>) =>
      usageBucket({ filters: METRIC_FILTERS }, [], usageEvent(at, properties));
    expect(chargeFilterOfBucket(METRIC_FILTERS, filters, bucketOf({ region: "us", tier: "pro" }))).toBe(
      "us-pro",
    );
    expect(chargeFilterOfBucket(METRIC_FILTERS, filters, bucketOf({ region: "eu", tier: "pro" }))).toBe(
      "all-regions",
    );
    expect(chargeFilterOfBucket(METRIC_FILTERS, filters, bucketOf({ region: "mars" }))).toBeNull();
  });

  it("refuses charge filters on keys or values the metric does not declare", () => {
    const undeclaredValue = [{ id: "f", values: { region: ["mars"] } }];
    const undeclaredKey = [{ id: "f", values: { plan: ["pro"] } }];
    expect(bucketsCanMatch(METRIC_FILTERS, undeclaredValue)).toBe(false);
    expect(bucketsCanMatch(METRIC_FILTERS, undeclaredKey)).toBe(false);
    expect(
      bucketsCanMatch(METRIC_FILTERS, [{ id: "f", values: { region: [ALL_FILTER_VALUES, "eu"] } }]),
    ).toBe(true);
    expect(() => bucketChargeFilterMatcher(METRIC_FILTERS, undeclaredValue)).toThrow(RangeError);
  });
});

describe("pricingGroupOfBucket", () => {
  it("labels the bucket like groupByPricingKeys, in the keys' order", () => {
    const bucket = usageBucket({ filters: [] }, ["tier", "plan"], usageEvent(at, { plan: "pro", tier: "" }));
    expect(pricingGroupOfBucket(bucket, ["plan", "tier"])).toEqual({ plan: "pro", tier: null });
    expect(pricingGroupOfBucket(bucket, [])).toEqual({});
  });

  it("refuses a key the bucket was not split on", () => {
    const bucket = usageBucket({ filters: [] }, ["plan"], usageEvent(at, {}));
    expect(() => pricingGroupOfBucket(bucket, ["seats"])).toThrow(RangeError);
  });
});
