import type { BillableMetricObject } from "lago-javascript-client";
import type { BillableMetric } from "#shared/domain/catalog.js";
import type { LagoShape } from "#shared/serializers/lago-shape.js";

export function serializeBillableMetric(metric: BillableMetric) {
  return {
    lago_id: metric.id,
    name: metric.name,
    code: metric.code,
    description: metric.description,
    aggregation_type: metric.aggregationType,
    weighted_interval: metric.weightedInterval,
    recurring: metric.recurring,
    rounding_function: metric.roundingFunction,
    rounding_precision: metric.roundingPrecision,
    created_at: metric.createdAt,
    field_name: metric.fieldName,
    // Metrics computed from an expression are not part of this product yet.
    expression: null,
    filters: metric.filters.map((filter) => ({ key: filter.key, values: [...filter.values] })),
  } satisfies LagoShape<BillableMetricObject>;
}
