import type Decimal from "decimal.js";
import { decimal } from "../money.js";
import type { PercentageProperties } from "./properties.js";

/** Percentage charges with a per-transaction minimum or maximum price each event on its own. */
export function hasTransactionBounds(properties: PercentageProperties): boolean {
  return properties.perTransactionMinAmount !== null || properties.perTransactionMaxAmount !== null;
}

/**
 * Prices each event (in timestamp order) at `value × rate % + fixed_amount`, clamped to the
 * per-transaction bounds. The free allowance is used up first: an event covered by it costs nothing
 * and is not raised to the minimum; the event that exhausts the free amount pays on its remainder.
 * As in Lago, free events are only counted while the free amount lasts, and a free amount still
 * left after the free events keeps absorbing the next events.
 */
export function transactionBoundedAmount(
  values: readonly Decimal[],
  properties: PercentageProperties,
): Decimal {
  let freeEventsLeft = properties.freeUnitsPerEvents;
  let freeAmountLeft = properties.freeUnitsPerTotalAggregation;
  let total = decimal(0);
  for (const eventValue of values) {
    let value = eventValue;
    if (freeEventsLeft > 0 || isStrictlyPositive(freeAmountLeft)) {
      freeEventsLeft -= 1;
      if (!isStrictlyPositive(freeAmountLeft)) continue;
      if (freeAmountLeft.greaterThan(value)) {
        freeAmountLeft = freeAmountLeft.minus(value);
        continue;
      }
      value = value.minus(freeAmountLeft);
      freeAmountLeft = decimal(0);
      freeEventsLeft = 0;
    }
    const price = value
      .times(properties.rate)
      .dividedBy(100)
      .plus(properties.fixedAmount ?? 0);
    total = total.plus(clamp(price, properties));
  }
  return total;
}

// decimal.js counts 0 as positive; Lago's `positive?` does not.
function isStrictlyPositive(value: Decimal): boolean {
  return value.greaterThan(0);
}

function clamp(price: Decimal, properties: PercentageProperties): Decimal {
  const { perTransactionMinAmount: min, perTransactionMaxAmount: max } = properties;
  if (min !== null && price.lessThan(min)) return min;
  if (max !== null && price.greaterThan(max)) return max;
  return price;
}
