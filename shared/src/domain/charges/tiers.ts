import type Decimal from "decimal.js";

/** The bounds every tiered model shares (graduated, graduated_percentage, prorated graduated). */
export interface TierBounds {
  readonly fromValue: Decimal;
  readonly toValue: Decimal | null;
}

export interface TierSpan {
  /** Position of the range in the charge's list. */
  readonly index: number;
  /** Units of the total that fall in this range. */
  readonly units: Decimal;
}

/**
 * Ranges are "adjacent" (decimal style) when each one starts exactly where the previous one ends:
 * [0–0.1], [0.1–1], [1–∞]. Otherwise they are read in Lago's integer style, where a range starting
 * at 11 after one ending at 10 also holds unit 11 (hence the +1 below).
 */
export function rangesAreAdjacent(ranges: readonly TierBounds[]): boolean {
  if (ranges.length < 2) return false;
  return ranges.slice(1).every((range, i) => {
    const previousTop = ranges[i]?.toValue ?? null;
    return previousTop === null ? range.fromValue.isZero() : range.fromValue.equals(previousTop);
  });
}

/**
 * Walks the ranges in order and says how many units of `total` each one holds, stopping at the
 * range that contains the total. The first range is always reached, even at 0 units, because its
 * flat amount is owed from the first unit of the period (Lago charges it at 0 units too).
 */
export function tierSpans(total: Decimal, ranges: readonly TierBounds[]): TierSpan[] {
  const adjacent = rangesAreAdjacent(ranges);
  const spans: TierSpan[] = [];
  for (const [index, range] of ranges.entries()) {
    const top = range.toValue;
    const reached = top !== null && total.greaterThanOrEqualTo(top) ? top : total;
    let units = reached;
    if (!range.fromValue.isZero()) {
      const sinceStart = reached.minus(range.fromValue);
      units = adjacent ? sinceStart : sinceStart.plus(1);
    }
    spans.push({ index, units });
    if (top === null || top.greaterThanOrEqualTo(total)) break;
  }
  return spans;
}
