import { z } from "zod";
import { codeList, dayCount, identifier, MAX_TAX_CODES, MAX_URL_LENGTH, text } from "../catalog-limits.js";
import {
  currencyCode,
  gracePeriodDays,
  legalDetailsInput,
  optionalText,
  timezoneName,
} from "../shared-schemas.js";

const metadataEntry = z.object({
  id: text(64).optional(),
  key: z.string().trim().min(1, { message: "value_is_mandatory" }).max(20, { message: "value_is_too_long" }),
  value: z
    .union([z.string(), z.number().transform(String)])
    .pipe(z.string().max(100, { message: "value_is_too_long" })),
  display_in_invoice: z.boolean().optional(),
});

/** Lago's customer fields; unknown keys (integrations) are ignored. */
export const customerInput = z.object({
  external_id: identifier,
  name: optionalText(),
  firstname: optionalText(),
  lastname: optionalText(),
  customer_type: z.enum(["company", "individual"], { message: "value_is_invalid" }).nullable().optional(),
  phone: optionalText(),
  url: optionalText(MAX_URL_LENGTH),
  ...legalDetailsInput,
  currency: currencyCode.nullable().optional(),
  timezone: timezoneName.nullable().optional(),
  net_payment_term: dayCount().nullable().optional(),
  tax_codes: codeList(MAX_TAX_CODES, "too_many_tax_codes").optional(),
  metadata: z
    .array(metadataEntry)
    .max(5, { message: "exceeded_limit" })
    .refine((entries) => new Set(entries.map((entry) => entry.key)).size === entries.length, {
      message: "value_already_exist",
    })
    .optional(),
  billing_configuration: z
    .object({
      invoice_grace_period: gracePeriodDays.nullable().optional(),
      document_locale: text(5).min(2).nullable().optional(),
      // The payment provider and its provider customer (checked by `paymentProviderAfter`).
      payment_provider: text(40).nullable().optional(),
      payment_provider_code: text(255).nullable().optional(),
      provider_customer_id: text(255).nullable().optional(),
      sync: z.boolean({ message: "value_is_invalid" }).nullable().optional(),
      sync_with_provider: z.boolean({ message: "value_is_invalid" }).nullable().optional(),
      provider_payment_methods: z
        .array(text(40))
        .max(10, { message: "value_is_invalid" })
        .nullable()
        .optional(),
    })
    .optional(),
});

export type CustomerInput = z.output<typeof customerInput>;
