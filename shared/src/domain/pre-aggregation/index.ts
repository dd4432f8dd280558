export { EMPTY_TOTALS, foldEvent, foldEvents, MIXED_TIMEZONES, mergeTotals } from "./aggregate-totals.js";
export { bucketChargeFilterMatcher, bucketsCanMatch, chargeFilterOfBucket } from "./bucket-filters.js";
export { pricingGroupOfBucket } from "./bucket-groups.js";
export { bucketKey, parseBucketKey } from "./bucket-key.js";
export { comparePositions, eventPosition } from "./event-position.js";
export { needsRawEvents, type RawEventsCharge } from "./needs-raw-events.js";
export {
  type ProratedAggregateUsage,
  ProrationNeedsEventsError,
  proratedSumTotal,
  proratedUsageFromAggregates,
} from "./prorated-usage-from-aggregates.js";
export type { AggregateTotals, EventPosition, UniqueValueState, UsageBucket } from "./types.js";
export {
  addUniqueValue,
  foldUniqueValues,
  mergeUniqueValue,
  mergeUniqueValues,
  uniqueValueOf,
} from "./unique-values.js";
export { usageBucket } from "./usage-bucket.js";
export { type AggregatesInput, usageFromAggregates } from "./usage-from-aggregates.js";
