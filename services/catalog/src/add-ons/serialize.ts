import type { AddOnObject } from "lago-javascript-client";
import type { AddOn, Tax } from "#shared/domain/catalog.js";
import { type LagoShape, lagoCurrency } from "#shared/serializers/lago-shape.js";
import { serializeTax } from "#shared/serializers/tax.js";

/** An add-on as Lago's add-ons API shows it, its taxes included. */
export function serializeAddOn(addOn: AddOn, taxes: readonly Tax[]) {
  return {
    lago_id: addOn.id,
    name: addOn.name,
    invoice_display_name: addOn.invoiceDisplayName,
    code: addOn.code,
    amount_cents: addOn.amountCents,
    amount_currency: lagoCurrency(addOn.amountCurrency),
    description: addOn.description,
    created_at: addOn.createdAt,
    taxes: taxes.filter((tax) => addOn.taxCodes.includes(tax.code)).map(serializeTax),
  } satisfies LagoShape<AddOnObject>;
}
