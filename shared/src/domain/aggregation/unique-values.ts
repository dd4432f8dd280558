import type { UsageEvent } from "../usage-event.js";
import { propertyText } from "./property-values.js";

export type UniqueOperation = "add" | "remove";

/**
 * An event's `operation_type`. Missing, null or empty means "add" (Lago's default); any other
 * value than "add" removes. (Lago's Postgres query compares a previous operation with "remove"
 * literally, so an unknown operation could count −1 twice there; we treat it as one "remove".)
 */
export function operationOf(event: UsageEvent): UniqueOperation {
  const text = propertyText(event.properties.operation_type);
  return text === null || text === "" || text === "add" ? "add" : "remove";
}

/**
 * Events per distinct value of the field, each list in the input's order. Events without the field
 * have no value to count and are left out (Lago's Postgres query would count them as one NULL value,
 * which no customer can mean).
 */
export function eventsByUniqueValue(
  events: readonly UsageEvent[],
  fieldName: string,
): Map<string, UsageEvent[]> {
  const byValue = new Map<string, UsageEvent[]>();
  for (const event of events) {
    const value = propertyText(event.properties[fieldName]);
    if (value === null) continue;
    const list = byValue.get(value);
    if (list) list.push(event);
    else byValue.set(value, [event]);
  }
  return byValue;
}

export interface UniqueToggle {
  readonly event: UsageEvent;
  readonly operation: UniqueOperation;
}

/**
 * The events that change whether a value is active: an add while inactive, a remove while active.
 * Repeated adds and removes of an already added or removed value change nothing.
 */
export function effectiveToggles(events: readonly UsageEvent[]): UniqueToggle[] {
  const toggles: UniqueToggle[] = [];
  let active = false;
  for (const event of events) {
    const operation = operationOf(event);
    if ((operation === "add") === active) continue;
    active = operation === "add";
    toggles.push({ event, operation });
  }
  return toggles;
}
