import type Decimal from "decimal.js";
import { decimal, subunitToUnit } from "../money.js";
import type { ModelResult } from "./model-result.js";

/**
 * Dynamic charge: each event carries its own price (`precise_total_amount_cents`); the charge is
 * their sum, converted from minor units. Nothing is owed when no unit was used.
 */
export function dynamicAmount(
  units: Decimal,
  preciseTotalAmountCents: Decimal,
  currency: string,
): ModelResult {
  const amount = units.isZero() ? decimal(0) : preciseTotalAmountCents.dividedBy(subunitToUnit(currency));
  return { amount, amountDetails: {} };
}
