import type { MetricFilter } from "../catalog.js";
import type { UsageEvent } from "../usage-event.js";
import { propertyText } from "./property-values.js";

/** A charge filter value standing for every value the metric declares for that key. */
export const ALL_FILTER_VALUES = "__ALL_FILTER_VALUES__";

export interface ChargeFilterDefinition {
  readonly id: string;
  /** Per filter key, the accepted values (or [ALL_FILTER_VALUES]). */
  readonly values: Readonly<Record<string, readonly string[]>>;
}

export interface FilterBuckets {
  /** Events per charge filter id; every filter has an entry, possibly empty. */
  readonly byFilterId: ReadonlyMap<string, readonly UsageEvent[]>;
  /** Events matching no filter, priced with the charge's own properties (the fee without a filter). */
  readonly defaultBucket: readonly UsageEvent[];
}

/*
 * Which filter an event matching several of them belongs to. What Lago does
 * (charge_filters/matching_and_ignored_service.rb with filters_scope in events/stores/postgres_store.rb):
 * a filter's events are those matching it, minus those matching any "child" filter — another filter
 * that has every key of this one and shares at least one value on each key.
 *  - A child with more keys takes its events away from the parent entirely: more keys is more specific.
 *  - A child with the same keys takes away only its values the parent does not have, so an event in
 *    both stays in both — except when the parent's value for a key is __ALL_FILTER_VALUES__: then the
 *    child's explicit values leave the parent. Explicit values beat "all values".
 *  - Newer Lago versions add: a same-key child whose values are a subset of the parent's on every key
 *    takes its events away (the narrower filter wins), and of identical filters only the oldest
 *    (created_at, then id) counts them.
 *  - Where none of that decides — same keys with partly overlapping values, or two filters whose key
 *    sets do not contain one another — Lago counts the event in both filters' fees. Lago's per-event
 *    matcher (charge_filters/event_matching_service.rb, pay in advance) picks the filter with the most
 *    keys, the first one on a tie.
 * Our order agrees with Lago wherever Lago decides and picks a single winner where Lago double counts:
 *  1. more keys;
 *  2. then fewer value combinations (the product over keys of the number of accepted values, with
 *     __ALL_FILTER_VALUES__ expanded to the metric's declared values): a subset on every key, or
 *     explicit values against "all values", always has fewer;
 *  3. then fewer keys given as __ALL_FILTER_VALUES__;
 *  4. then the earlier filter in the list: callers pass filters oldest first, like Lago's tie-break.
 * Events matching no filter go to the default bucket. An event missing a filter key never matches it.
 */

interface CompiledFilter {
  readonly id: string;
  readonly position: number;
  readonly accepted: readonly (readonly [key: string, values: ReadonlySet<string>])[];
  readonly combinations: number;
  readonly allValuesKeys: number;
}

function compile(
  metricFilters: readonly MetricFilter[],
  filter: ChargeFilterDefinition,
  position: number,
): CompiledFilter {
  const declared = new Map(metricFilters.map((metricFilter) => [metricFilter.key, metricFilter.values]));
  let allValuesKeys = 0;
  const accepted = Object.entries(filter.values).map(([key, values]) => {
    if (!values.includes(ALL_FILTER_VALUES)) return [key, new Set(values)] as const;
    allValuesKeys += 1;
    return [key, new Set(declared.get(key) ?? [])] as const;
  });
  const combinations = accepted.reduce((product, [, values]) => product * values.size, 1);
  return { id: filter.id, position, accepted, combinations, allValuesKeys };
}

function moreSpecific(a: CompiledFilter, b: CompiledFilter): boolean {
  return (
    (b.accepted.length - a.accepted.length ||
      a.combinations - b.combinations ||
      a.allValuesKeys - b.allValuesKeys ||
      a.position - b.position) < 0
  );
}

function matches(filter: CompiledFilter, event: UsageEvent): boolean {
  return filter.accepted.every(([key, values]) => {
    const value = propertyText(event.properties[key]);
    return value !== null && values.has(value);
  });
}

/** The id of the one filter an event's usage belongs to, or null for the default bucket. */
export function chargeFilterMatcher(
  metricFilters: readonly MetricFilter[],
  chargeFilters: readonly ChargeFilterDefinition[],
): (event: UsageEvent) => string | null {
  const ids = new Set(chargeFilters.map((filter) => filter.id));
  if (ids.size !== chargeFilters.length) throw new RangeError("charge filter ids must be unique");
  const compiled = chargeFilters.map((filter, position) => compile(metricFilters, filter, position));
  return (event) => {
    let winner: CompiledFilter | null = null;
    for (const filter of compiled) {
      if (matches(filter, event) && (winner === null || moreSpecific(filter, winner))) winner = filter;
    }
    return winner?.id ?? null;
  };
}

/** Splits events between a charge's filters and its default bucket; each event lands in exactly one. */
export function bucketByChargeFilters(
  metricFilters: readonly MetricFilter[],
  chargeFilters: readonly ChargeFilterDefinition[],
  events: readonly UsageEvent[],
): FilterBuckets {
  const match = chargeFilterMatcher(metricFilters, chargeFilters);
  const byFilterId = new Map<string, UsageEvent[]>(chargeFilters.map((filter) => [filter.id, []]));
  const defaultBucket: UsageEvent[] = [];
  for (const event of events) {
    const id = match(event);
    (id === null ? defaultBucket : (byFilterId.get(id) as UsageEvent[])).push(event);
  }
  return { byFilterId, defaultBucket };
}
