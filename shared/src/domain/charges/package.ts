import type Decimal from "decimal.js";
import { decimal } from "../money.js";
import { lagoDecimalString } from "./details.js";
import type { ModelResult } from "./model-result.js";
import type { PackageProperties } from "./properties.js";

/**
 * Package charge: after the free units, every started package of `package_size` units costs
 * `amount` (a package counts from its first unit, hence the ceiling).
 */
export function packageAmount(units: Decimal, properties: PackageProperties): ModelResult {
  const paidUnits = units.minus(properties.freeUnits);
  const packages = paidUnits.isNegative() ? decimal(0) : paidUnits.dividedBy(properties.packageSize).ceil();
  const detail = (value: Decimal) => lagoDecimalString(value);
  const amountDetails = units.isZero()
    ? { free_units: "0.0", paid_units: "0.0", per_package_size: 0, per_package_unit_amount: "0.0" }
    : {
        free_units: detail(properties.freeUnits),
        paid_units: detail(paidUnits.isNegative() ? decimal(0) : paidUnits),
        per_package_size: properties.packageSize.toNumber(),
        per_package_unit_amount: detail(properties.amount),
      };
  return {
    amount: packages.times(properties.amount),
    amountDetails,
    // Lago's package unit price is per paid unit, not per unit used.
    unitDivisor: paidUnits.isNegative() ? decimal(0) : paidUnits,
  };
}
