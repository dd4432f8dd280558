import type { UsageEvent } from "../usage-event.js";
import type { ChargesWindow, MetricDefinition, ReferenceAggregationType } from "./metric-definition.js";

/** Builders shared by this folder's tests. */

let sequence = 0;

export function usageEvent(
  timestamp: string,
  properties: Record<string, unknown> = {},
  overrides: Partial<UsageEvent> = {},
): UsageEvent {
  sequence += 1;
  return {
    lagoId: `lago-${sequence}`,
    transactionId: `tx-${String(sequence).padStart(6, "0")}`,
    externalSubscriptionId: "sub-1",
    code: "metric",
    timestamp: new Date(timestamp).toISOString(),
    properties,
    preciseTotalAmountCents: null,
    receivedAt: "2030-01-01T00:00:00.000Z",
    ...overrides,
  };
}

export function metricDefinition(
  aggregationType: ReferenceAggregationType,
  overrides: Partial<MetricDefinition> = {},
): MetricDefinition {
  return {
    code: "metric",
    aggregationType,
    fieldName: aggregationType === "count_agg" ? null : "value",
    recurring: false,
    roundingFunction: null,
    roundingPrecision: null,
    filters: [],
    ...overrides,
  };
}

/** A calendar month in UTC: `month` is 1-based. */
export function utcMonth(year: number, month: number): ChargesWindow {
  const from = new Date(Date.UTC(year, month - 1, 1));
  const to = new Date(Date.UTC(year, month, 1));
  return {
    from: from.toISOString(),
    to: to.toISOString(),
    periodDays: Math.round((to.getTime() - from.getTime()) / 86_400_000),
    timezone: "UTC",
  };
}
