import Decimal from "decimal.js";

/**
 * Money is decimal (docs/architecture.md): unit prices are decimal strings, stored amounts are
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

/**
 * An amount in minor units beyond ±(2^53 − 1), which no JSON client reads exactly (Lago's bigint
 * columns stop at 9.2e18): such an amount cannot be billed, and is never rounded into one.
 */
export class AmountOutOfRangeError extends RangeError {
  constructor(readonly minorUnits: string) {
    super(`an amount of ${minorUnits} minor units is beyond what can be billed`);
    this.name = "AmountOutOfRangeError";
  }
}

function exactMinorUnits(value: Decimal): number {
  const units = value.toNumber();
  if (!Number.isSafeInteger(units)) throw new AmountOutOfRangeError(value.toFixed());
  return units;
}

/** Amount in currency units → integer minor units, rounded half-up (away from zero for halves). */
export function toMinorUnits(amount: Decimal.Value, currency: string): number {
  const rounded = new Money(amount).toDecimalPlaces(currencyExponent(currency), Decimal.ROUND_HALF_UP);
  return exactMinorUnits(rounded.times(subunitToUnit(currency)));
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
  return exactMinorUnits(new Money(value).toDecimalPlaces(0, Decimal.ROUND_HALF_UP));
}
