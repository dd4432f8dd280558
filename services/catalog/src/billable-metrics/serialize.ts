import type { BillableMetric } from "#shared/domain/catalog.js";

export function serializeBillableMetric(metric: BillableMetric) {
  return {
    lago_id: metric.id,
    name: metric.name,
    code: metric.code,
    description: metric.description,
    aggregation_type: metric.aggregationType,
    weighted_interval: null,
    recurring: metric.recurring,
    rounding_function: null,
    rounding_precision: null,
    created_at: metric.createdAt,
    field_name: metric.fieldName,
    expression: null,
    filters: metric.filters.map((filter) => ({ key: filter.key, values: [...filter.values] })),
  };
}
