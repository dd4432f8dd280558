import type Decimal from "decimal.js";
import type { MetricDefinition } from "../aggregation/metric-definition.js";
import { numericProperty, propertyText } from "../aggregation/property-values.js";
import { requireFieldName } from "../aggregation/selection.js";
import type { UsageEvent } from "../usage-event.js";

/** What an aggregation reads of one event: the numeric value for field-based types, null otherwise. */
export interface EventRead {
  readonly value: Decimal | null;
}

/**
 * Whether the metric's aggregation reads the event, and its value, with the reference's selection
 * rules: count_agg reads every event of its code; unique_count_agg every event whose field has a
 * value (`eventsByUniqueValue`); the other types only events whose field is numeric
 * (`numericEvents`). Returns null for an event the aggregation skips, including other codes.
 */
export function readEvent(metric: MetricDefinition, event: UsageEvent): EventRead | null {
  if (event.code !== metric.code) return null;
  switch (metric.aggregationType) {
    case "count_agg":
      return { value: null };
    case "unique_count_agg":
      return propertyText(event.properties[requireFieldName(metric)]) === null ? null : { value: null };
    default: {
      const value = numericProperty(event.properties[requireFieldName(metric)]);
      return value === null ? null : { value };
    }
  }
}
