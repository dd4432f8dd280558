/**
 * The catalog's documented limits (docs/limits.md, "Catalog"). Lago sets few of its own; ours keep
 * every catalog object far below DynamoDB's 400 KB item limit and every number within what
 * billing computes exactly, so a request past them is refused at once with Lago's 422 (codes
 * `value_is_too_long`, `value_is_out_of_range`, `too_many_…`), before anything is written.
 */
import { z } from "zod";
import { MAX_ID_LENGTH } from "#shared/platform/http/limits.js";

export { MAX_ID_LENGTH };

/** Names, display names, legal details and address parts (Lago's own limit on customer names). */
export const MAX_NAME_LENGTH = 255;

/** Descriptions of plans, metrics and taxes. */
export const MAX_DESCRIPTION_LENGTH = 2_000;

/** Webhook endpoint URLs and customer websites. */
export const MAX_URL_LENGTH = 2_048;

/** A customer's or organization's email field, which may list several addresses. */
export const MAX_EMAILS_LENGTH = 1_000;

export const MAX_CHARGES_PER_PLAN = 100;

/** Graduated, volume and graduated-percentage ranges of one charge (or one charge filter). */
export const MAX_RANGES_PER_CHARGE = 100;

/** Filters of one charge. */
export const MAX_FILTERS_PER_CHARGE = 100;

/** Filter keys of a billable metric, and keys one charge filter matches on. */
export const MAX_FILTER_KEYS = 50;

/** Values of one filter key. */
export const MAX_FILTER_VALUES = 1_000;

/** Pricing group keys of a charge (Lago answers `too_many_keys` past its own, smaller, limit). */
export const MAX_GROUP_KEYS = 10;

/** Tax codes named by one customer, plan, charge or minimum commitment. */
export const MAX_TAX_CODES = 50;

/** Webhook types one endpoint subscribes to. */
export const MAX_EVENT_TYPES = 100;

/** Day counts (trial periods, payment terms): a hundred years. */
export const MAX_DAYS = 36_500;

/** Amounts in cents: exact in JavaScript and in DynamoDB. */
export const MAX_AMOUNT_CENTS = Number.MAX_SAFE_INTEGER;

/** A decimal written as a string (unit prices, rates), in characters. */
export const MAX_DECIMAL_LENGTH = 40;

/** A price or amount in currency units, written as a decimal string. */
export const MAX_DECIMAL_VALUE = 1e15;

/** A free-text value inside charge properties (group keys), in characters. */
export const MAX_PROPERTY_TEXT_LENGTH = MAX_NAME_LENGTH;

/** Keys of one object inside charge properties. */
export const MAX_PROPERTY_KEYS = 50;

const TOO_LONG = { message: "value_is_too_long" } as const;
const OUT_OF_RANGE = { message: "value_is_out_of_range" } as const;

/** A string of at most `max` characters (UTF-16 code units, as JavaScript and zod count them). */
export const text = (max: number) => z.string().max(max, TOO_LONG);

/** A code or external id: trimmed, present, at most MAX_ID_LENGTH characters. */
export const identifier = z
  .string()
  .trim()
  .min(1, { message: "value_is_mandatory" })
  .max(MAX_ID_LENGTH, TOO_LONG);

/** Codes in a list (tax codes, event types): each present and at most MAX_ID_LENGTH characters. */
export const codeList = (max: number, tooMany: string) =>
  z.array(z.string().min(1).max(MAX_ID_LENGTH, TOO_LONG)).max(max, { message: tooMany });

/**
 * Integers past 2^53 reach routes as exact-number objects (the JSON body parser keeps them as
 * written); read as numbers here they are refused as out of range rather than as the wrong type.
 */
function asNumber(value: unknown): unknown {
  if (value !== null && typeof value === "object" && "isLosslessNumber" in value)
    return Number(String(value));
  return value;
}

/** A finite number from `min` to `max`. */
export const boundedNumber = (min: number, max: number) =>
  z.preprocess(asNumber, z.number().min(min, OUT_OF_RANGE).max(max, OUT_OF_RANGE));

/** An integer from `min` to `max`. */
export const boundedInteger = (min: number, max: number) =>
  z.preprocess(
    asNumber,
    z
      .number()
      .min(min, OUT_OF_RANGE)
      .max(max, OUT_OF_RANGE)
      .refine(Number.isInteger, { message: "value_is_invalid" }),
  );

/** An amount in cents: a non-negative safe integer. */
export const amountCents = boundedInteger(0, MAX_AMOUNT_CENTS);

/** A number of days from 0 to MAX_DAYS (whole days unless `fractional`). */
export const dayCount = (fractional = false) =>
  fractional ? boundedNumber(0, MAX_DAYS) : boundedInteger(0, MAX_DAYS);

/** What Lago reads as a decimal amount (see the charge validation's own pattern). */
const DECIMAL = /^\s*[+-]?(\d+(\.\d*)?|\.\d+)([eE][+-]?\d+)?\s*$/;

const RANGE_KEYS = new Set(["graduated_ranges", "volume_ranges", "graduated_percentage_ranges"]);
const GROUP_KEYS = new Set(["pricing_group_keys", "grouped_by"]);

/**
 * Bounds on free-form charge properties, whatever their keys: what a charge model keeps of them is
 * stored as sent, so every list, key, string and number inside must be storable and exact.
 * Iterative, so no nesting can exhaust the stack.
 */
export function boundedProperties(value: Record<string, unknown>, ctx: z.RefinementCtx): void {
  const stack: Array<{ value: unknown; path: PropertyKey[]; key: string }> = [{ value, path: [], key: "" }];
  const fail = (path: PropertyKey[], message: string) => ctx.addIssue({ code: "custom", message, path });
  while (stack.length > 0) {
    const { value: current, path, key } = stack.pop() as (typeof stack)[number];
    if (typeof current === "string") {
      if (current.length > MAX_PROPERTY_TEXT_LENGTH) fail(path, "value_is_too_long");
      else if (!GROUP_KEYS.has(key) && DECIMAL.test(current)) {
        // A price, rate or amount: short, and within what an invoice can carry.
        const number = Math.abs(Number(current));
        if (current.length > MAX_DECIMAL_LENGTH) fail(path, "value_is_too_long");
        else if (!(number <= MAX_DECIMAL_VALUE)) fail(path, "value_is_out_of_range");
      }
    } else if (typeof current === "number") {
      if (!Number.isFinite(current) || Math.abs(current) > Number.MAX_SAFE_INTEGER)
        fail(path, "value_is_out_of_range");
    } else if (Array.isArray(current)) {
      if (RANGE_KEYS.has(key) && current.length > MAX_RANGES_PER_CHARGE) fail(path, "too_many_ranges");
      else if (GROUP_KEYS.has(key) && current.length > MAX_GROUP_KEYS) fail(path, "too_many_keys");
      else if (current.length > MAX_RANGES_PER_CHARGE) fail(path, "too_many_values");
      else {
        for (const [index, item] of current.entries())
          stack.push({ value: item, path: [...path, index], key });
      }
    } else if (current !== null && typeof current === "object") {
      if ("isLosslessNumber" in current) {
        fail(path, "value_is_out_of_range");
        continue;
      }
      const entries = Object.entries(current);
      if (entries.length > MAX_PROPERTY_KEYS) {
        fail(path, "too_many_keys");
        continue;
      }
      for (const [name, child] of entries) {
        // DynamoDB stores no map with an empty key.
        if (name.trim() === "") fail([...path, name], "value_is_invalid");
        else if (name.length > MAX_PROPERTY_TEXT_LENGTH) fail([...path, name], "value_is_too_long");
        else stack.push({ value: child, path: [...path, name], key: name });
      }
    }
  }
}
