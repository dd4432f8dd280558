import type Decimal from "decimal.js";
import { decimal } from "../money.js";
import type { UsageEvent } from "../usage-event.js";
import { instantMs, sortEvents } from "./event-order.js";
import type { ChargesWindow, MetricDefinition } from "./metric-definition.js";
import { numericProperty } from "./property-values.js";

/** A window as epoch milliseconds, `[fromMs, toMs)`. */
export interface WindowBounds {
  readonly fromMs: number;
  readonly toMs: number;
}

export function windowBounds(window: Pick<ChargesWindow, "from" | "to">): WindowBounds {
  const fromMs = instantMs(window.from);
  const toMs = instantMs(window.to);
  if (fromMs > toMs) throw new RangeError(`window starts after it ends: ${window.from} > ${window.to}`);
  return { fromMs, toMs };
}

/** What every per-type aggregation receives. */
export interface AggregationInput {
  readonly metric: MetricDefinition;
  /**
   * The metric's events (same code) with timestamp before the window end, in `compareEvents`
   * order. Recurring aggregations read all of it; metered ones only the part inside the window.
   */
  readonly history: readonly UsageEvent[];
  readonly window: ChargesWindow;
  readonly bounds: WindowBounds;
}

export function aggregationInput(
  metric: MetricDefinition,
  events: readonly UsageEvent[],
  window: ChargesWindow,
): AggregationInput {
  const bounds = windowBounds(window);
  const history = sortEvents(
    events.filter((event) => event.code === metric.code && instantMs(event.timestamp) < bounds.toMs),
  );
  return { metric, history, window, bounds };
}

export function isInWindow(event: UsageEvent, bounds: WindowBounds): boolean {
  const at = instantMs(event.timestamp);
  return at >= bounds.fromMs && at < bounds.toMs;
}

export function windowEvents(input: AggregationInput): UsageEvent[] {
  return input.history.filter((event) => isInWindow(event, input.bounds));
}

export interface NumericEvent {
  readonly event: UsageEvent;
  readonly value: Decimal;
}

/** Events whose field is present and numeric, with their value; the others Lago skips silently. */
export function numericEvents(events: readonly UsageEvent[], fieldName: string): NumericEvent[] {
  const result: NumericEvent[] = [];
  for (const event of events) {
    const value = numericProperty(event.properties[fieldName]);
    if (value !== null) result.push({ event, value });
  }
  return result;
}

export function requireFieldName(metric: MetricDefinition): string {
  if (!metric.fieldName) {
    throw new RangeError(`${metric.aggregationType} metric ${metric.code} has no field_name`);
  }
  return metric.fieldName;
}

/** Σ precise_total_amount_cents (dynamic pricing); events without one add nothing, as SQL SUM skips NULL. */
export function sumPreciseAmountCents(events: readonly UsageEvent[]): Decimal {
  return events.reduce(
    (total, event) =>
      event.preciseTotalAmountCents === null ? total : total.plus(event.preciseTotalAmountCents),
    decimal(0),
  );
}

export function sumValues(values: readonly Decimal[]): Decimal {
  return values.reduce((total, value) => total.plus(value), decimal(0));
}
