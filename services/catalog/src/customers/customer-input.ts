import { z } from "zod";
import {
  currencyCode,
  gracePeriodDays,
  legalDetailsInput,
  optionalText,
  timezoneName,
} from "../shared-schemas.js";

const metadataEntry = z.object({
  id: z.string().optional(),
  key: z.string().trim().min(1, { message: "value_is_mandatory" }).max(20, { message: "value_is_too_long" }),
  value: z
    .union([z.string(), z.number().transform(String)])
    .pipe(z.string().max(100, { message: "value_is_too_long" })),
  display_in_invoice: z.boolean().optional(),
});

/** Lago's customer fields; unknown keys (payment provider settings, integrations) are ignored. */
export const customerInput = z.object({
  external_id: z.string().trim().min(1, { message: "value_is_mandatory" }),
  name: optionalText,
  firstname: optionalText,
  lastname: optionalText,
  customer_type: z.enum(["company", "individual"], { message: "value_is_invalid" }).nullable().optional(),
  phone: optionalText,
  url: optionalText,
  ...legalDetailsInput,
  currency: currencyCode.nullable().optional(),
  timezone: timezoneName.nullable().optional(),
  net_payment_term: z.number().int().min(0).nullable().optional(),
  tax_codes: z.array(z.string().min(1)).optional(),
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
      document_locale: z.string().min(2).max(5).nullable().optional(),
    })
    .optional(),
});

export type CustomerInput = z.output<typeof customerInput>;
