import { decimal } from "../money.js";
import type { UsageEvent } from "../usage-event.js";
import { compareEvents, instantMs } from "./event-order.js";
import { inclusiveDays, type LocalDays, localDays } from "./local-days.js";
import type { ProratedValues } from "./prorated-sum.js";
import { ceilDecimals } from "./rounding.js";
import { type AggregationInput, requireFieldName } from "./selection.js";
import { effectiveToggles, eventsByUniqueValue, operationOf, type UniqueToggle } from "./unique-values.js";

/**
 * A recurring unique count billed pro rata: each value counts for the local days of the window on
 * which it was active, over the whole period's days. A day counts once however many times the value
 * was added and removed that day, and a removal counts its own day.
 *
 * Lago gets there by dropping every remove that is not the last event of its day for that value,
 * then pairing each effective add with the next effective remove (both days inclusive). We do the
 * same, so the add/remove rows are Lago's per-event breakdown (prorated graduated prices them). Lago's
 * ClickHouse store compares UTC dates for "same day" and its Postgres store has a variant rule that
 * drops an add/remove pair made on one day after an earlier removal; we use the customer's local
 * day throughout, i.e. exactly the days on which the value was active.
 */
export function proratedUniqueCount(input: AggregationInput): ProratedValues {
  const fieldName = requireFieldName(input.metric);
  const days = localDays(input.window, input.bounds);
  const rows: { toggle: UniqueToggle; days: number }[] = [];
  for (const events of eventsByUniqueValue(input.history, fieldName).values()) {
    const toggles = effectiveToggles(withoutMidDayRemoves(events, days));
    toggles.forEach((toggle, index) => {
      rows.push({
        toggle,
        days: toggle.operation === "add" ? activeDays(toggle, toggles[index + 1], days, input) : 0,
      });
    });
  }
  rows.sort((a, b) => compareEvents(a.toggle.event, b.toggle.event));
  const ratios = rows.map((row) => decimal(row.days).dividedBy(input.window.periodDays));
  // Divided once, from the whole days: a sum of rounded quotients can land a hair above an exact
  // result, which the 5-decimal ceiling turns into a whole step (62 days of 31 must be 2, not 2.00001).
  const totalDays = rows.reduce((sum, row) => sum + row.days, 0);
  return {
    total: decimal(totalDays).dividedBy(input.window.periodDays),
    fullValues: rows.map((row) => decimal(row.toggle.operation === "add" ? 1 : -1)),
    proratedValues: ratios.map((ratio) => ceilDecimals(ratio, 5)),
  };
}

/** Removes followed by another event of the same value on the same local day change no day's count. */
function withoutMidDayRemoves(events: readonly UsageEvent[], days: LocalDays): UsageEvent[] {
  return events.filter((event, index) => {
    if (operationOf(event) === "add") return true;
    const next = events[index + 1];
    return (
      next === undefined || days.dayOf(instantMs(next.timestamp)) !== days.dayOf(instantMs(event.timestamp))
    );
  });
}

function activeDays(
  add: UniqueToggle,
  remove: UniqueToggle | undefined,
  days: LocalDays,
  input: AggregationInput,
): number {
  const addMs = instantMs(add.event.timestamp);
  if (remove === undefined) return inclusiveDays(days, input.bounds, addMs, days.lastDay);
  const removeMs = instantMs(remove.event.timestamp);
  if (removeMs < input.bounds.fromMs) return 0;
  return inclusiveDays(days, input.bounds, addMs, days.dayOf(removeMs));
}
