import Decimal from "decimal.js";

/**
 * Money is decimal (DESIGN.md decision 2): unit prices are decimal strings, stored amounts are
 * integer minor units of the currency, and an amount is rounded once, when a fee is built.
 */

// A private constructor so no other code's Decimal settings can change ours.
export const Money = Decimal.clone({ precision: 40, rounding: Decimal.ROUND_HALF_UP });
export type Money = Decimal;

/** ISO 4217 currencies whose minor unit is not 2 decimals. */
const ZERO_DECIMAL = new Set([
  "BIF",
  "CLP",
  "DJF",
  "GNF",
  "ISK",
  "JPY",
  "KMF",
  "KRW",
  "PYG",
  "RWF",
  "UGX",
  "UYI",
  "VND",
  "VUV",
  "XAF",
  "XOF",
  "XPF",
]);
const THREE_DECIMAL = new Set(["BHD", "IQD", "JOD", "KWD", "LYD", "OMR", "TND"]);

/** Decimals of the currency's minor unit: 0 (JPY), 2 (EUR) or 3 (KWD). */
export function currencyExponent(currency: string): number {
  if (ZERO_DECIMAL.has(currency)) return 0;
  if (THREE_DECIMAL.has(currency)) return 3;
  return 2;
}

export function subunitToUnit(currency: string): number {
  return 10 ** currencyExponent(currency);
}

/** Amount in currency units → integer minor units, rounded half-up (away from zero for halves). */
export function toMinorUnits(amount: Decimal.Value, currency: string): number {
  const rounded = new Money(amount).toDecimalPlaces(currencyExponent(currency), Decimal.ROUND_HALF_UP);
  return rounded.times(subunitToUnit(currency)).toNumber();
}

/** The unrounded amount in minor units, as Lago's `precise_*_amount_cents` fields show it. */
export function toPreciseMinorUnits(amount: Decimal.Value, currency: string): Decimal {
  return new Money(amount).times(subunitToUnit(currency));
}

export function decimal(value: Decimal.Value): Decimal {
  return new Money(value);
}

/** Rounds to a whole number half-up: minor-unit amounts computed from minor units (base fees). */
export function roundHalfUp(value: Decimal.Value): number {
  return new Money(value).toDecimalPlaces(0, Decimal.ROUND_HALF_UP).toNumber();
}
