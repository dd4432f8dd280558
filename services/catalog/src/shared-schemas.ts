import { z } from "zod";
import { isValidTimezone } from "#shared/domain/periods.js";

const CURRENCIES = new Set(Intl.supportedValuesOf("currency"));

/** An ISO 4217 code; Lago answers `value_is_invalid` for an unknown one. */
export const currencyCode = z
  .string()
  .refine((code) => CURRENCIES.has(code), { message: "value_is_invalid" });

export const timezoneName = z.string().refine(isValidTimezone, { message: "invalid_timezone" });

export const code = z.string().trim().min(1, { message: "value_is_mandatory" });

/** A decimal amount as Lago's API carries unit prices: a string (or number) of a non-negative decimal. */
export const decimalAmount = z
  .union([z.string(), z.number().transform(String)])
  .pipe(z.string().regex(/^\d+(\.\d+)?$/, { message: "invalid_amount" }));

/** Lago lists catalog resources newest first. */
export function newestFirst(
  a: { createdAt: string; id: string },
  b: { createdAt: string; id: string },
): number {
  return b.createdAt.localeCompare(a.createdAt) || b.id.localeCompare(a.id);
}
