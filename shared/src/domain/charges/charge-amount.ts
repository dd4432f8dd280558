import type Decimal from "decimal.js";
import { CHARGE_MODELS } from "../catalog.js";
import { decimal } from "../money.js";
import type { ChargeUsage } from "./charge-usage.js";
import { fullUnitsOf, type PricedCharge, priceModel } from "./price-model.js";

export type { ChargeUsage } from "./charge-usage.js";
export type { ProratedEvent } from "./prorated-graduated.js";

export interface ChargeAmount {
  /** In currency units, unrounded. */
  readonly amount: Decimal;
  /** amount / units (the unprorated units; the paid units for package), 0 when there are none. */
  readonly unitAmount: Decimal;
  /** Lago's `amount_details` of the fee, JSON-ready. */
  readonly amountDetails: Readonly<Record<string, unknown>>;
}

/**
 * Prices one charge window with the charge's model. Negative usage or a negative amount bills
 * nothing, as Lago refuses to build a fee with either.
 */
export function chargeAmount(charge: PricedCharge, usage: ChargeUsage, currency: string): ChargeAmount {
  const priced = priceModel(charge, usage, currency);
  if (usage.units.isNegative() || priced.amount.isNegative()) {
    return { amount: decimal(0), unitAmount: decimal(0), amountDetails: priced.amountDetails };
  }
  const divisor = priced.unitDivisor ?? fullUnitsOf(charge, usage);
  const unitAmount = divisor.isZero() || divisor.isNegative() ? decimal(0) : priced.amount.dividedBy(divisor);
  return { amount: priced.amount, unitAmount, amountDetails: priced.amountDetails };
}

/** Charge models that `chargeAmount` prices: all of them. */
export const SUPPORTED_CHARGE_MODELS = CHARGE_MODELS;
