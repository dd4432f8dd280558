import type { FeeAppliedTaxObject } from "lago-javascript-client";
import type { Invoice, InvoiceFee } from "#shared/domain/invoice.js";
import { decimal, roundHalfUp } from "#shared/domain/money.js";
import { stableUuid } from "#shared/platform/ids.js";
import { type LagoShape, lagoCurrency } from "#shared/serializers/lago-shape.js";
import { type FeeContext, type FeeShape, serializeFee } from "../invoices/serialize.js";

/** `GET /fees` shows a fee with its taxes (`V1::FeeSerializer` with `applied_taxes`). */
export type FeeObjectShape = FeeShape & { readonly applied_taxes: readonly LagoShape<FeeAppliedTaxObject>[] };

/**
 * A fee as the fee routes show it: the invoice serializer's fee, with its applied taxes. Each tax's
 * amount is its rate on the fee's amount, rounded (as Lago computes a fee's applied tax); its name,
 * description and rate are the invoice's copy of the tax.
 */
export function serializeFeeObject(fee: InvoiceFee, invoice: Invoice, context: FeeContext): FeeObjectShape {
  return {
    ...serializeFee(fee, invoice, context),
    applied_taxes: fee.taxCodes.flatMap((code) => {
      const tax = invoice.appliedTaxes.find((applied) => applied.taxCode === code);
      if (!tax) return [];
      return [
        {
          lago_id: stableUuid(fee.id, "applied_tax", tax.taxId),
          lago_fee_id: fee.id,
          lago_tax_id: tax.taxId,
          tax_name: tax.taxName,
          tax_code: tax.taxCode,
          tax_rate: Number(tax.taxRate),
          tax_description: tax.taxDescription,
          amount_cents: roundHalfUp(decimal(fee.amountCents).times(tax.taxRate).dividedBy(100)),
          amount_currency: lagoCurrency(invoice.currency),
          created_at: invoice.createdAt,
        } satisfies LagoShape<FeeAppliedTaxObject>,
      ];
    }),
  };
}
