export {
  aggregateProratedUsage,
  type ProratedUsageAggregation,
  ProrationNotSupportedError,
} from "./aggregate-prorated-usage.js";
export { aggregateUsage } from "./aggregate-usage.js";
export {
  ALL_FILTER_VALUES,
  bucketByChargeFilters,
  type ChargeFilterDefinition,
  chargeFilterMatcher,
  type FilterBuckets,
} from "./charge-filters.js";
export { compareEvents, sortEvents } from "./event-order.js";
export {
  type ChargesWindow,
  type MetricDefinition,
  REFERENCE_AGGREGATION_TYPES,
  type ReferenceAggregationType,
  type RoundingFunction,
} from "./metric-definition.js";
export { groupByPricingKeys, type PricingGroup } from "./pricing-groups.js";
export { numericProperty, propertyText } from "./property-values.js";
export { applyRounding } from "./rounding.js";
export type { UsageAggregation } from "./usage-aggregation.js";
