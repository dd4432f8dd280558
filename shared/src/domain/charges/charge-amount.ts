import type Decimal from "decimal.js";
import type { Charge } from "../catalog.js";
import { decimal } from "../money.js";
import { standardAmount } from "./standard.js";

export interface ChargeAmount {
  /** In currency units, unrounded. */
  readonly amount: Decimal;
  /** amount / units, 0 when there are no units. */
  readonly unitAmount: Decimal;
}

/** Prices a charge's aggregated units with its charge model. */
export function chargeAmount(
  charge: Pick<Charge, "chargeModel" | "properties">,
  units: Decimal.Value,
): ChargeAmount {
  const quantity = decimal(units);
  let amount: Decimal;
  switch (charge.chargeModel) {
    case "standard":
      amount = standardAmount(quantity, { amount: String(charge.properties.amount ?? "0") });
      break;
    default:
      throw new Error(`charge model ${charge.chargeModel} is not supported yet`);
  }
  return { amount, unitAmount: quantity.isZero() ? decimal(0) : amount.dividedBy(quantity) };
}

/** Charge models that `chargeAmount` prices today; the catalog refuses the others. */
export const SUPPORTED_CHARGE_MODELS = ["standard"] as const;
