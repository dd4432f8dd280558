import type Decimal from "decimal.js";
import { decimal } from "../money.js";

/** Standard charge: every unit at the same price (`{"amount": "0.05"}`). */
export function standardAmount(
  units: Decimal.Value,
  properties: { readonly amount: Decimal.Value },
): Decimal {
  return decimal(units).times(properties.amount);
}
