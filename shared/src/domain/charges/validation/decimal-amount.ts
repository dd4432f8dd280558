/**
 * Lago takes a money amount (or a rate) only as a string holding a finite decimal that is zero or
 * positive: a JSON number is refused so a float never gets between the client and the price.
 */
const DECIMAL = /^\s*[+-]?(\d+(\.\d*)?|\.\d+)([eE][+-]?\d+)?\s*$/;

export function isValidAmount(value: unknown): boolean {
  if (typeof value !== "string" || !DECIMAL.test(value)) return false;
  return !value.trim().startsWith("-") || Number(value) === 0;
}

/** Blank as Ruby's `present?` sees it: missing, null or the empty string. */
export function isBlank(value: unknown): boolean {
  return value === undefined || value === null || (typeof value === "string" && value.trim() === "");
}
