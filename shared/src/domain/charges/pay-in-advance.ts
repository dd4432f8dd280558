import type Decimal from "decimal.js";
import type { Charge } from "../catalog.js";
import { currencyExponent, decimal } from "../money.js";
import type { ChargeUsage } from "./charge-usage.js";
import type { ModelResult } from "./model-result.js";
import { advanceAmountDetails } from "./pay-in-advance-details.js";
import { priceModel } from "./price-model.js";

export interface PayInAdvanceFee {
  /** In currency units, unrounded: model(after) − model(before). */
  readonly amount: Decimal;
  readonly units: Decimal;
  /** Rounded amount / units, 0 when either is 0 (Lago divides the rounded amount). */
  readonly unitAmount: Decimal;
  readonly amountDetails: Readonly<Record<string, unknown>>;
}

export interface PayInAdvanceOptions {
  /**
   * Units the fee shows, when not `after.units − before.units` (sum_agg: see `sumPayInAdvanceStep`,
   * whose `feeUnits` are what Lago shows).
   */
  readonly feeUnits?: Decimal;
}

/**
 * The fee of one pay-in-advance event: the price of the period's usage including the event minus
 * its price without it. For sum_agg, `usageBefore.units` is `usageAfter.units` minus the
 * `billedUnits` of `sumPayInAdvanceStep`, so decreases are never refunded nor re-billed.
 *
 * Pay-in-advance charges are priced without proration (Lago's in-advance models), and:
 * - graduated models price an empty "before" at nothing, so the first event pays the first
 *   range's flat amount;
 * - percentage measures the free allowance of "before" on the events including this one
 *   (`usageAfter.eventValues`), as Lago reuses the same running totals for both sides.
 */
export function payInAdvanceFee(
  charge: Pick<Charge, "chargeModel" | "properties">,
  usageBefore: ChargeUsage,
  usageAfter: ChargeUsage,
  currency: string,
  options: PayInAdvanceOptions = {},
): PayInAdvanceFee {
  const inAdvance = { ...charge, prorated: false };
  const after = priceModel(inAdvance, usageAfter, currency);
  const before = emptyGraduatedBefore(charge, usageBefore)
    ? nothing(charge)
    : priceModel(inAdvance, usageBefore, currency, { allowanceValues: usageAfter.eventValues ?? [] });
  const amount = after.amount.minus(before.amount);
  const units = options.feeUnits ?? usageAfter.units.minus(usageBefore.units);
  const rounded = amount.toDecimalPlaces(currencyExponent(currency));
  const unitAmount = rounded.isZero() || units.isZero() ? decimal(0) : rounded.dividedBy(units);
  return {
    amount,
    units,
    unitAmount,
    amountDetails: advanceAmountDetails(charge.chargeModel, after.amountDetails, before.amountDetails),
  };
}

function emptyGraduatedBefore(charge: Pick<Charge, "chargeModel">, usageBefore: ChargeUsage): boolean {
  const graduated = charge.chargeModel === "graduated" || charge.chargeModel === "graduated_percentage";
  return graduated && usageBefore.units.isZero();
}

/** An empty "before" of a graduated model: no amount, and no range in its details. */
function nothing(charge: Pick<Charge, "chargeModel">): ModelResult {
  const key = charge.chargeModel === "graduated" ? "graduated_ranges" : "graduated_percentage_ranges";
  return { amount: decimal(0), amountDetails: { [key]: [] } };
}
