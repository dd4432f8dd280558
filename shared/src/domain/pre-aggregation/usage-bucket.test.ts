import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { usageEvent } from "../aggregation/test-events.js";
import { bucketKey, parseBucketKey } from "./bucket-key.js";
import type { UsageBucket } from "./types.js";
import { usageBucket } from "./usage-bucket.js";

const metric = {
  filters: [
    { key: "region", values: ["us", "eu", "1"] },
    { key: "tier", values: ["free", "pro"] },
  ],
};
const at = "2024-03-02T00:00:00Z";

describe("usageBucket", () => {
  it("keeps declared filter values as text and nulls the others", () => {
    expect(usageBucket(metric, [], usageEvent(at, { region: "us", tier: "gold" })).filters).toEqual({
      region: "us",
      tier: null,
    });
    // 1 and "1" are the same value, as the reference reads properties.
    expect(usageBucket(metric, [], usageEvent(at, { region: 1 })).filters).toEqual({
      region: "1",
      tier: null,
    });
    expect(usageBucket(metric, [], usageEvent(at, {})).filters).toEqual({ region: null, tier: null });
  });

  it("reads group values as text, blank ones as null", () => {
    const groups = (properties: Record<string, unknown>) =>
      usageBucket(metric, ["plan", "seats"], usageEvent(at, properties)).groups;
    expect(groups({ plan: "pro", seats: 2 })).toEqual({ plan: "pro", seats: "2" });
    expect(groups({ plan: "", seats: null })).toEqual({ plan: null, seats: null });
    expect(groups({ plan: true })).toEqual({ plan: "true", seats: null });
  });

  it("keeps undeclared group values: groups have no declared values", () => {
    expect(usageBucket({ filters: [] }, ["region"], usageEvent(at, { region: "mars" }))).toEqual({
      filters: {},
      groups: { region: "mars" },
    });
  });
});

describe("bucketKey", () => {
  it("sorts keys, so the declaration order does not matter", () => {
    const a: UsageBucket = { filters: { tier: "pro", region: "us" }, groups: { plan: null } };
    const b: UsageBucket = { filters: { region: "us", tier: "pro" }, groups: { plan: null } };
    expect(bucketKey(a)).toBe(bucketKey(b));
    expect(bucketKey(a)).toBe("f:region=us&tier=pro;g:plan=@");
  });

  it("names the empty bucket", () => {
    expect(bucketKey({ filters: {}, groups: {} })).toBe("f:;g:");
  });

  it("escapes separators, # and non-ASCII, and tells null from empty", () => {
    const key = bucketKey({ filters: { "a#b": "x=y&z;@:%" }, groups: { g: "", h: null, é: "日本" } });
    expect(key).not.toContain("#");
    expect(key).toMatch(/^[\x21-\x7e]*$/);
    // Code-unit order: "é" sorts after "h".
    expect(key).toBe("f:a%23b=x%3Dy%26z%3B%40%3A%25;g:g=&h=@&%E9=%u65E5%u672C");
  });

  it("parses back into the bucket, for any text including lone surrogates", () => {
    const values = fc.dictionary(
      fc.string({ unit: "binary" }),
      fc.option(fc.string({ unit: "binary" }), { nil: null }),
    );
    fc.assert(
      fc.property(values, values, (filters, groups) => {
        const key = bucketKey({ filters, groups });
        expect(key).not.toContain("#");
        const parsed = parseBucketKey(key);
        expect(parsed).toEqual({ filters: { ...filters }, groups: { ...groups } });
        expect(bucketKey(parsed)).toBe(key);
      }),
      { numRuns: 250 },
    );
  });

  it("gives different keys to different buckets", () => {
    const values = fc.dictionary(fc.string({ unit: "grapheme" }), fc.option(fc.string(), { nil: null }), {
      maxKeys: 3,
    });
    fc.assert(
      fc.property(values, values, values, values, (f1, g1, f2, g2) => {
        const same =
          JSON.stringify(parseBucketKey(bucketKey({ filters: f1, groups: g1 }))) ===
          JSON.stringify(parseBucketKey(bucketKey({ filters: f2, groups: g2 })));
        expect(bucketKey({ filters: f1, groups: g1 }) === bucketKey({ filters: f2, groups: g2 })).toBe(same);
      }),
    );
  });

  it("refuses malformed or non-canonical keys", () => {
    expect(() => parseBucketKey("region=us")).toThrow(RangeError);
    expect(() => parseBucketKey("f:a=%2;g:")).toThrow(RangeError);
    expect(() => parseBucketKey("f:b=1&a=2;g:")).toThrow(RangeError);
    expect(() => parseBucketKey("f:a=%41;g:")).toThrow(RangeError);
    expect(() => parseBucketKey("f:a=b=c;g:")).toThrow(RangeError);
  });
});
