import type { UsageBucket } from "./types.js";

/**
 * A bucket's pricing group for a charge's `pricing_group_keys`, as `groupByPricingKeys` would
 * label its events (`groupedBy`). Buckets of equal groups are merged to price the group. Throws
 * when the bucket was not split on one of the keys: its events may then belong to several groups.
 */
export function pricingGroupOfBucket(
  bucket: UsageBucket,
  keys: readonly string[],
): Readonly<Record<string, string | null>> {
  return Object.fromEntries(
    keys.map((key) => {
      const value = bucket.groups[key];
      if (value === undefined) throw new RangeError(`bucket is not split on pricing group key ${key}`);
      return [key, value];
    }),
  );
}
