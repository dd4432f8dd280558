import { localDays } from "../aggregation/local-days.js";

/**
 * The local day number (days since 1970-01-01 of the local date) of an instant, computed by the
 * reference's own calendar code so prorations from totals count days exactly as it does.
 */
export function localDayNumber(ms: number, timezone: string): number {
  return localDays({ timezone }, { fromMs: ms, toMs: ms + 1 }).firstDay;
}
