import { z } from "zod";
import { amountCents, codeList, MAX_DESCRIPTION_LENGTH, MAX_TAX_CODES } from "../catalog-limits.js";
import { code, currencyCode, optionalText, requiredName } from "../shared-schemas.js";

const addOnFields = {
  name: requiredName,
  code,
  invoice_display_name: optionalText(),
  description: optionalText(MAX_DESCRIPTION_LENGTH),
  amount_cents: amountCents,
  amount_currency: currencyCode,
  tax_codes: codeList(MAX_TAX_CODES, "too_many_tax_codes").optional(),
};

/** POST /add_ons: Lago requires the name, code, amount and currency. */
export const addOnCreate = z.object(addOnFields);

/** PUT /add_ons/{code}: any field, the others kept. */
export const addOnUpdate = z.object(addOnFields).partial();
