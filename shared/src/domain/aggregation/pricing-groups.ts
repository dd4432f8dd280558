import type { UsageEvent } from "../usage-event.js";
import { propertyText } from "./property-values.js";

export interface PricingGroup {
  /** The group's value per pricing key, in the keys' order; null when the events lack the key. */
  readonly groupedBy: Readonly<Record<string, string | null>>;
  readonly events: readonly UsageEvent[];
}

/**
 * Splits events by their values of the charge's `pricing_group_keys`, each group aggregated and
 * priced on its own. As in Lago (GROUP BY properties->>key, then blank values read as nil), an event
 * without a key — missing, null or "" — is not dropped: it joins the group whose value for that key
 * is null. Without keys there is a single group of every event; without events, no group. Groups
 * come out sorted by their values (null first), whatever the order of the events.
 */
export function groupByPricingKeys(keys: readonly string[], events: readonly UsageEvent[]): PricingGroup[] {
  if (keys.length === 0) return [{ groupedBy: {}, events: [...events] }];
  const groups = new Map<string, { values: (string | null)[]; events: UsageEvent[] }>();
  for (const event of events) {
    const values = keys.map((key) => propertyText(event.properties[key]) || null);
    const identity = JSON.stringify(values);
    const group = groups.get(identity);
    if (group) group.events.push(event);
    else groups.set(identity, { values, events: [event] });
  }
  return [...groups.values()]
    .sort((a, b) => compareGroupValues(a.values, b.values))
    .map(({ values, events: groupEvents }) => ({
      groupedBy: Object.fromEntries(keys.map((key, index) => [key, values[index] ?? null])),
      events: groupEvents,
    }));
}

function compareGroupValues(a: readonly (string | null)[], b: readonly (string | null)[]): number {
  for (let index = 0; index < a.length; index += 1) {
    const left = a[index] ?? null;
    const right = b[index] ?? null;
    if (left === right) continue;
    if (left === null) return -1;
    if (right === null) return 1;
    return left < right ? -1 : 1;
  }
  return 0;
}
