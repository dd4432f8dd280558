import type Decimal from "decimal.js";
import { isLosslessNumber, stringify } from "lossless-json";
import { decimal } from "../money.js";

/**
 * Property values as Lago's Postgres store reads them: `properties->>'key'`, the JSON value as text.
 * So 1 and "1" are the same unique value, the same filter value and the same pricing group.
 */
export function propertyText(value: unknown): string | null {
  if (value === null || value === undefined) return null;
  if (typeof value === "string") return value;
  // Plain notation, as jsonb prints numbers (1e21 is "1000000000000000000000", not "1e+21").
  if (typeof value === "number") return Number.isFinite(value) ? decimal(value).toFixed() : null;
  if (typeof value === "boolean") return value ? "true" : "false";
  // An integer beyond 2^53 (or a number beyond doubles), kept as its own digits: exact, plain notation.
  if (isLosslessNumber(value)) return decimal(value.value).toFixed();
  return stringify(value) as string;
}

// Lago's numeric_condition: an optional minus, digits, optional fraction. "+1", "1e3", ".5" and
// " 1" are not numeric for Lago, so the events carrying them are left out of field aggregations.
const LAGO_NUMERIC = /^-?\d+(\.\d+)?$/;

/** The value a field-based aggregation reads, or null when Lago would skip the event. */
export function numericProperty(value: unknown): Decimal | null {
  const text = propertyText(value);
  if (text === null || !LAGO_NUMERIC.test(text)) return null;
  return decimal(text);
}
