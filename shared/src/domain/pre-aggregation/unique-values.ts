import type { MetricDefinition } from "../aggregation/metric-definition.js";
import { propertyText } from "../aggregation/property-values.js";
import { requireFieldName } from "../aggregation/selection.js";
import { operationOf } from "../aggregation/unique-values.js";
import type { UsageEvent } from "../usage-event.js";
import { comparePositions, eventPosition } from "./event-position.js";
import type { UniqueValueState } from "./types.js";

/*
 * Why one state per value is enough: the reference replays a value's events in order and keeps
 * only the effective toggles (an add while inactive, a remove while active), so after any run of
 * events the value is active exactly when its LAST operation is an add. Keeping the last operation
 * per value, merged by "later position wins", is therefore exact, and idempotent.
 */

/** The state one event gives its value, or null when it is not a unique-count event of the metric. */
export function uniqueValueOf(metric: MetricDefinition, event: UsageEvent): UniqueValueState | null {
  if (event.code !== metric.code) return null;
  const value = propertyText(event.properties[requireFieldName(metric)]);
  if (value === null) return null;
  return { value, last: eventPosition(event), active: operationOf(event) === "add" };
}

/** The last operation per distinct value among the events (other codes and valueless events ignored). */
export function foldUniqueValues(
  metric: MetricDefinition,
  events: readonly UsageEvent[],
): Map<string, UniqueValueState> {
  const states = new Map<string, UniqueValueState>();
  for (const event of events) {
    const state = uniqueValueOf(metric, event);
    if (state !== null) addUniqueValue(states, state);
  }
  return states;
}

/**
 * The later of two states of one value. Commutative, associative and idempotent. Two events never
 * share a position (the Lago id is unique); should they, the remove wins, whatever the order.
 */
export function mergeUniqueValue(a: UniqueValueState, b: UniqueValueState): UniqueValueState {
  if (a.value !== b.value) throw new RangeError(`cannot merge unique values ${a.value} and ${b.value}`);
  const order = comparePositions(a.last, b.last);
  if (order !== 0) return order > 0 ? a : b;
  return a.active ? b : a;
}

/** Merges states into a map keyed by value (mutates `into`), e.g. a delivery's into the stored ones. */
export function addUniqueValue(into: Map<string, UniqueValueState>, state: UniqueValueState): void {
  const known = into.get(state.value);
  into.set(state.value, known === undefined ? state : mergeUniqueValue(known, state));
}

/** One state per value from states of several deliveries, periods or buckets. */
export function mergeUniqueValues(states: Iterable<UniqueValueState>): Map<string, UniqueValueState> {
  const merged = new Map<string, UniqueValueState>();
  for (const state of states) addUniqueValue(merged, state);
  return merged;
}
