import type Decimal from "decimal.js";
import { decimal } from "../money.js";
import { boundValue, lagoDecimalString } from "./details.js";
import type { ModelResult } from "./model-result.js";
import type { RateRange } from "./properties.js";
import { tierSpans } from "./tiers.js";

/**
 * Graduated percentage charge: the graduated tier walk, where each range takes `rate` percent of
 * the units (an amount of money) it holds, plus its flat amount once reached.
 */
export function graduatedPercentageAmount(units: Decimal, ranges: readonly RateRange[]): ModelResult {
  let amount = decimal(0);
  const details = tierSpans(units, ranges).map(({ index, units: rangeUnits }) => {
    const range = ranges[index] as RateRange;
    const perUnitTotal = rangeUnits.times(range.rate).dividedBy(100);
    const total = perUnitTotal.plus(range.flatAmount);
    amount = amount.plus(total);
    return {
      from_value: boundValue(range.fromValue),
      to_value: boundValue(range.toValue),
      flat_unit_amount: lagoDecimalString(range.flatAmount),
      rate: lagoDecimalString(range.rate),
      units: lagoDecimalString(rangeUnits),
      per_unit_total_amount: lagoDecimalString(perUnitTotal),
      total_with_flat_amount: lagoDecimalString(total),
    };
  });
  return { amount, amountDetails: { graduated_percentage_ranges: details } };
}
