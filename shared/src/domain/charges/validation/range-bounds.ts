import { decimal } from "../../money.js";

export type RangeStep = "touching_or_next" | "next";

/**
 * Whether a list of ranges forms a valid ladder. Every range starts where the previous one ends,
 * or one unit after it (`touching_or_next`, graduated models), or exactly one unit after it
 * (`next`, volume); the first starts at 0; each range ends above its start; only the last is
 * open-ended (to_value null) and it must be.
 */
export function invalidRangeIndexes(ranges: readonly unknown[], step: RangeStep): number[] {
  const invalid: number[] = [];
  let previousTop = 0;
  let first = true;
  for (const [index, range] of ranges.entries()) {
    const bounds = boundsOf(range);
    const isLast = index === ranges.length - 1;
    if (!bounds || !startsRight(bounds.from, previousTop, first, step) || !endsRight(bounds, isLast)) {
      invalid.push(index);
    }
    previousTop = bounds?.to ?? 0;
    first = false;
  }
  return invalid;
}

interface Bounds {
  readonly from: number;
  readonly to: number | null;
}

function boundsOf(range: unknown): Bounds | null {
  if (typeof range !== "object" || range === null) return null;
  const { from_value: from, to_value: to } = range as Record<string, unknown>;
  if (typeof from !== "number" || !Number.isFinite(from)) return null;
  if (to === null || to === undefined) return { from, to: null };
  return typeof to === "number" && Number.isFinite(to) ? { from, to } : null;
}

function startsRight(from: number, previousTop: number, first: boolean, step: RangeStep): boolean {
  if (first) return from === 0;
  // Decimal arithmetic: 0.1 + 1 must equal 1.1 exactly.
  const oneAfter = decimal(previousTop).plus(1).equals(from);
  if (step === "next") return oneAfter;
  return from === previousTop || oneAfter;
}

function endsRight(bounds: Bounds, isLast: boolean): boolean {
  if (isLast) return bounds.to === null;
  return bounds.to !== null && bounds.to > bounds.from;
}
