import type Decimal from "decimal.js";
import { decimal, Money } from "../money.js";
import type { MetricDefinition, RoundingFunction } from "./metric-definition.js";

// Ruby's BigDecimal#round defaults to half-up (halves away from zero), like ROUND_HALF_UP here.
const MODES: Record<RoundingFunction, Decimal.Rounding> = {
  round: Money.ROUND_HALF_UP,
  ceil: Money.ROUND_CEIL,
  floor: Money.ROUND_FLOOR,
};

/**
 * The metric's rounding, applied once to an aggregated total (never per event). A negative
 * precision rounds to tens, hundreds…, as BigDecimal#round(-n) does.
 */
export function applyRounding(
  units: Decimal,
  metric: Pick<MetricDefinition, "roundingFunction" | "roundingPrecision">,
): Decimal {
  if (metric.roundingFunction === null) return units;
  const precision = metric.roundingPrecision ?? 0;
  if (!Number.isInteger(precision)) throw new RangeError(`rounding precision ${precision} is not an integer`);
  const mode = MODES[metric.roundingFunction];
  if (precision >= 0) return units.toDecimalPlaces(precision, mode);
  const scale = decimal(10).pow(-precision);
  return units.dividedBy(scale).toDecimalPlaces(0, mode).times(scale);
}

/** Ceil to a number of decimals: Lago bounds unique counts (5) and weighted sums (20) this way. */
export function ceilDecimals(value: Decimal, decimals: number): Decimal {
  return value.toDecimalPlaces(decimals, Money.ROUND_CEIL);
}
