import type Decimal from "decimal.js";
import { decimal } from "../money.js";
import { boundValue, lagoDecimalString } from "./details.js";
import type { ModelResult } from "./model-result.js";
import type { PricedRange } from "./properties.js";
import { tierSpans } from "./tiers.js";

/**
 * Graduated charge: each range prices only its own units, plus its flat amount once reached.
 * `amount_details.graduated_ranges` lists every range reached, as Lago's fee shows them.
 */
export function graduatedAmount(units: Decimal, ranges: readonly PricedRange[]): ModelResult {
  let amount = decimal(0);
  const details = tierSpans(units, ranges).map(({ index, units: rangeUnits }) => {
    const range = ranges[index] as PricedRange;
    // Lago reports no unit price for a range holding no units (the first one at 0 units).
    const perUnitAmount = rangeUnits.isZero() ? decimal(0) : range.perUnitAmount;
    const perUnitTotal = rangeUnits.times(perUnitAmount);
    const total = perUnitTotal.plus(range.flatAmount);
    amount = amount.plus(total);
    return {
      from_value: boundValue(range.fromValue),
      to_value: boundValue(range.toValue),
      flat_unit_amount: lagoDecimalString(range.flatAmount),
      per_unit_amount: lagoDecimalString(perUnitAmount),
      units: lagoDecimalString(rangeUnits),
      per_unit_total_amount: lagoDecimalString(perUnitTotal),
      total_with_flat_amount: lagoDecimalString(total),
    };
  });
  return { amount, amountDetails: { graduated_ranges: details } };
}
