import type Decimal from "decimal.js";
import { decimal } from "../money.js";
import { lagoDecimalString } from "./details.js";
import type { ModelResult } from "./model-result.js";
import { allowanceRunningTotals, percentageAllowance } from "./percentage-allowance.js";
import { hasTransactionBounds, transactionBoundedAmount } from "./percentage-transactions.js";
import type { PercentageProperties } from "./properties.js";

export interface PercentageUsage {
  /** Sum of the transactions' amounts. */
  readonly units: Decimal;
  readonly eventsCount: number;
  /** The events' values in timestamp order. */
  readonly eventValues: readonly Decimal[];
  /**
   * Values the free allowance is measured on, when not `eventValues`: Lago's pay-in-advance price
   * of the usage before an event reuses the allowance measured with that event included.
   */
  readonly allowanceValues?: readonly Decimal[];
}

/**
 * Percentage charge: `rate` percent of the transactions' amount beyond the free allowance, plus
 * `fixed_amount` per transaction beyond the free ones. With a per-transaction minimum or maximum,
 * each transaction is priced and clamped on its own instead; `min_max_adjustment_total_amount`
 * then says how much the bounds changed the total.
 */
export function percentageAmount(usage: PercentageUsage, properties: PercentageProperties): ModelResult {
  const runningTotals = allowanceRunningTotals(usage.allowanceValues ?? usage.eventValues, properties);
  const allowance = percentageAllowance(runningTotals, properties);

  const rated = allowance.freeUnits.greaterThan(usage.units)
    ? decimal(0)
    : usage.units.minus(allowance.freeUnits).times(properties.rate).dividedBy(100);
  const paidEventsForFee = usage.eventsCount - allowance.freeEvents;
  const fixed =
    usage.units.isZero() || properties.fixedAmount === null || paidEventsForFee <= 0
      ? decimal(0)
      : properties.fixedAmount.times(paidEventsForFee);
  const unbounded = rated.plus(fixed);
  const amount = hasTransactionBounds(properties)
    ? transactionBoundedAmount(usage.eventValues, properties)
    : unbounded;

  const paidUnits = usage.units.minus(allowance.freeUnits);
  const freeEvents = Math.min(usage.eventsCount, allowance.freeEvents);
  const paidEvents = usage.eventsCount - freeEvents;
  return {
    amount,
    amountDetails: {
      units: lagoDecimalString(usage.units),
      free_units: lagoDecimalString(allowance.freeUnits),
      free_events: freeEvents,
      paid_units: lagoDecimalString(paidUnits.isNegative() ? decimal(0) : paidUnits),
      rate: lagoDecimalString(properties.rate),
      per_unit_total_amount: lagoDecimalString(rated),
      paid_events: paidEvents,
      fixed_fee_unit_amount: lagoDecimalString(
        paidEvents > 0 && properties.fixedAmount ? properties.fixedAmount : decimal(0),
      ),
      fixed_fee_total_amount: lagoDecimalString(fixed),
      min_max_adjustment_total_amount: lagoDecimalString(amount.minus(unbounded)),
    },
  };
}
