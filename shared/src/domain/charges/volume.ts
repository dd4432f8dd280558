import type Decimal from "decimal.js";
import { decimal } from "../money.js";
import { lagoDecimalString } from "./details.js";
import type { ModelResult } from "./model-result.js";
import type { PricedRange } from "./properties.js";

/**
 * Volume charge: one range prices all the units. The range is chosen on `tierUnits` (the full,
 * unprorated units of a prorated charge; the units themselves otherwise) and its price applies to
 * `units`: 198.6 prorated units of 300 full units are priced at the 201+ tier.
 *
 * A range matches when it starts at or below the units rounded up and ends at or above the units,
 * so 100.5 units fall in [101–200] after [0–100]. Units below every range (negative usage) match
 * none and cost nothing.
 */
export function volumeAmount(
  units: Decimal,
  ranges: readonly PricedRange[],
  tierUnits: Decimal = units,
): ModelResult {
  const sorted = [...ranges].sort((a, b) => a.fromValue.comparedTo(b.fromValue));
  const roundedUp = tierUnits.ceil();
  const range = sorted.find(
    (candidate) =>
      candidate.fromValue.lessThanOrEqualTo(roundedUp) &&
      (candidate.toValue === null || tierUnits.lessThanOrEqualTo(candidate.toValue)),
  );
  const flatAmount = range ? range.flatAmount : decimal(0);
  const perUnitTotal = range ? units.times(range.perUnitAmount) : decimal(0);
  const perUnitAmount = tierUnits.isZero() ? decimal(0) : perUnitTotal.dividedBy(tierUnits);
  return {
    amount: perUnitTotal.plus(flatAmount),
    amountDetails: {
      flat_unit_amount: lagoDecimalString(flatAmount),
      per_unit_amount: lagoDecimalString(perUnitAmount),
      per_unit_total_amount: lagoDecimalString(perUnitTotal),
    },
    unitDivisor: tierUnits,
  };
}
