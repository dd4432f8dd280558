import { DateTime } from "luxon";
import type { ChargesWindow } from "./metric-definition.js";
import type { WindowBounds } from "./selection.js";

const MS_PER_DAY = 86_400_000;

/**
 * Whole local days, as prorations count them: a day is a calendar date in the customer's zone,
 * numbered so that consecutive dates differ by 1 whatever DST does to their length.
 */
export interface LocalDays {
  dayOf(ms: number): number;
  /** Local date of the window start. */
  readonly firstDay: number;
  /** Local date of the window's last instant (the window end is exclusive). */
  readonly lastDay: number;
}

export function localDays(window: Pick<ChargesWindow, "timezone">, bounds: WindowBounds): LocalDays {
  const dayOf = (ms: number): number => {
    const local = DateTime.fromMillis(ms, { zone: window.timezone });
    if (!local.isValid) throw new RangeError(`invalid timezone ${window.timezone}`);
    return Date.UTC(local.year, local.month - 1, local.day) / MS_PER_DAY;
  };
  return { dayOf, firstDay: dayOf(bounds.fromMs), lastDay: dayOf(bounds.toMs - 1) };
}

/** Days from the local date of `startMs` (the window start if earlier) through `endDay`, inclusive. */
export function inclusiveDays(
  days: LocalDays,
  bounds: WindowBounds,
  startMs: number,
  endDay: number,
): number {
  return Math.max(0, endDay - days.dayOf(Math.max(startMs, bounds.fromMs)) + 1);
}
