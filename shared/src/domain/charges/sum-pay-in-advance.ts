import type Decimal from "decimal.js";
import { decimal } from "../money.js";

/** What a sum_agg pay-in-advance charge remembers between events of a period. */
export interface SumAdvanceState {
  /** Running sum of the period's event values. */
  readonly currentAggregation: Decimal;
  /** Highest running sum already billed. */
  readonly maxAggregation: Decimal;
}

export interface SumAdvanceStep {
  /** Units this event adds to what is billed: the rise of the running maximum, never below 0. */
  readonly billedUnits: Decimal;
  /** Units the fee shows: the billed units, or the event's own value (≥ 0) when nothing is billed. */
  readonly feeUnits: Decimal;
  readonly state: SumAdvanceState;
}

/**
 * sum_agg pay-in-advance billing: only a new high of the period's running sum is billed, so units
 * paid once are not billed again after a decrease (+10 bills 10, −4 bills 0, +8 bills 4).
 *
 * The stored maximum follows Lago exactly, including its quirk when the first event is negative:
 * the next rise stores `current − previous max` as the new maximum when that is larger than
 * `current`.
 */
export function sumPayInAdvanceStep(previous: SumAdvanceState | null, value: Decimal): SumAdvanceStep {
  if (previous === null) {
    const units = value.isNegative() ? decimal(0) : value;
    return {
      billedUnits: units,
      feeUnits: units,
      state: { currentAggregation: value, maxAggregation: value },
    };
  }
  const current = previous.currentAggregation.plus(value);
  if (current.greaterThan(previous.maxAggregation)) {
    const rise = current.minus(previous.maxAggregation);
    const maxAggregation = rise.greaterThan(current) ? rise : current;
    return { billedUnits: rise, feeUnits: rise, state: { currentAggregation: current, maxAggregation } };
  }
  return {
    billedUnits: decimal(0),
    feeUnits: value.isNegative() ? decimal(0) : value,
    state: { currentAggregation: current, maxAggregation: previous.maxAggregation },
  };
}
