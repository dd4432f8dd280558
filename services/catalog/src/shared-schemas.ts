import { z } from "zod";
import type { LegalDetails } from "#shared/domain/catalog.js";
import { isValidTimezone } from "#shared/domain/periods.js";
import {
  boundedInteger,
  identifier,
  MAX_DECIMAL_LENGTH,
  MAX_EMAILS_LENGTH,
  MAX_NAME_LENGTH,
  MAX_URL_LENGTH,
  text,
} from "./catalog-limits.js";

const CURRENCIES = new Set(Intl.supportedValuesOf("currency"));

/** An ISO 4217 code; Lago answers `value_is_invalid` for an unknown one. */
export const currencyCode = z
  .string()
  .refine((code) => CURRENCIES.has(code), { message: "value_is_invalid" });

export const timezoneName = text(64).refine(isValidTimezone, { message: "invalid_timezone" });

export const code = identifier;

export const requiredName = z
  .string()
  .trim()
  .min(1, { message: "value_is_mandatory" })
  .max(MAX_NAME_LENGTH, { message: "value_is_too_long" });

/** A decimal amount as Lago's API carries unit prices: a string (or number) of a non-negative decimal. */
export const decimalAmount = z.union([z.string(), z.number().transform(String)]).pipe(
  z
    .string()
    .max(MAX_DECIMAL_LENGTH, { message: "value_is_too_long" })
    .regex(/^\d+(\.\d+)?$/, { message: "invalid_amount" }),
);

/** Lago's grace period, in days; a year at most. */
export const gracePeriodDays = boundedInteger(0, 365);

/** Optional free text of at most `max` characters (a name's length unless said otherwise). */
export const optionalText = (max: number = MAX_NAME_LENGTH) => text(max).nullable().optional();

/** A webhook URL: http(s), as Lago's `url` validation accepts it. */
export const webhookUrl = text(MAX_URL_LENGTH).refine(
  (value) => {
    try {
      return ["http:", "https:"].includes(new URL(value).protocol);
    } catch {
      return false;
    }
  },
  { message: "url_is_invalid" },
);

const email = text(MAX_EMAILS_LENGTH)
  .regex(/^[^\s@,]+@[^\s@,]+\.[^\s@,]+(\s*,\s*[^\s@,]+@[^\s@,]+\.[^\s@,]+)*$/, {
    message: "invalid_email_format",
  })
  .nullable()
  .optional();

/** Contact and legal fields shared by organizations and customers. */
export const legalDetailsInput = {
  email,
  legal_name: optionalText(),
  legal_number: optionalText(),
  tax_identification_number: optionalText(),
  address_line1: optionalText(),
  address_line2: optionalText(),
  city: optionalText(),
  state: optionalText(),
  zipcode: optionalText(),
  country: z
    .string()
    .regex(/^[A-Z]{2}$/, { message: "not_a_valid_country_code" })
    .nullable()
    .optional(),
};

type LegalInput = { [K in keyof typeof legalDetailsInput]?: string | null };

/** Applies the legal fields a request sent; absent fields keep their value, null clears one. */
export function applyLegalDetails<T extends LegalDetails>(current: T, input: LegalInput): T {
  const pick = (value: string | null | undefined, previous: string | null) =>
    value === undefined ? previous : value;
  return {
    ...current,
    email: pick(input.email, current.email),
    legalName: pick(input.legal_name, current.legalName),
    legalNumber: pick(input.legal_number, current.legalNumber),
    taxIdentificationNumber: pick(input.tax_identification_number, current.taxIdentificationNumber),
    addressLine1: pick(input.address_line1, current.addressLine1),
    addressLine2: pick(input.address_line2, current.addressLine2),
    city: pick(input.city, current.city),
    state: pick(input.state, current.state),
    zipcode: pick(input.zipcode, current.zipcode),
    country: pick(input.country, current.country),
  };
}

/** Lago lists catalog resources newest first. */
export function newestFirst(
  a: { createdAt: string; id: string },
  b: { createdAt: string; id: string },
): number {
  return b.createdAt.localeCompare(a.createdAt) || b.id.localeCompare(a.id);
}

/** A value present in the request (even null) replaces the current one; an absent one keeps it. */
export function patch<T>(value: T | undefined, current: T): T {
  return value === undefined ? current : value;
}
