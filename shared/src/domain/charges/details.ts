import type Decimal from "decimal.js";

/**
 * A decimal as Lago's JSON shows a BigDecimal inside `amount_details`: always with a fractional
 * part ("10.0", "0.25"), so clients parsing Lago's payloads read ours the same way.
 */
export function lagoDecimalString(value: Decimal): string {
  const text = value.isZero() ? "0" : value.toFixed();
  return text.includes(".") ? text : `${text}.0`;
}

/** A range bound as the charge stores it: a JSON number, or null for an open top. */
export function boundValue(value: Decimal | null): number | null {
  return value === null ? null : value.toNumber();
}
