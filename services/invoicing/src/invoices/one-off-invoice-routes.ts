import { z } from "zod";
import { type ApiRequest, rootParam } from "#shared/platform/http/api-handler.js";
import { MAX_ID_LENGTH } from "#shared/platform/http/limits.js";
import { type HttpResponse, ok } from "#shared/platform/http/responses.js";
import { parseOrReject } from "#shared/platform/http/validation.js";
import { isLosslessNumber } from "#shared/platform/json/json-text.js";
import { createOneOffInvoice } from "./create-one-off-invoice.js";
import { invoiceEmbeds } from "./invoice-embeds.js";
import type { InvoiceChangeDeps } from "./refresh-draft.js";
import { serializeInvoice } from "./serialize.js";

/** Fees one one-off invoice may hold: enough for any bill, well inside one stored item. */
export const MAX_ONE_OFF_FEES = 100;
const MAX_TEXT = 255;
const MAX_DESCRIPTION = 2_000;

const CURRENCIES = new Set(Intl.supportedValuesOf("currency"));
/** A number the body kept exact (past 2^53) read as its text. */
const exact = (value: unknown) => (isLosslessNumber(value) ? String(value) : value);
const code = z.string().trim().min(1, "value_is_mandatory").max(MAX_ID_LENGTH, "value_is_too_long");
const text = (max: number) => z.string().max(max, "value_is_too_long").nullish();

const fee = z.object({
  add_on_code: code,
  // Lago reads units as a decimal (`to_f`): a number or its text, 1 when absent.
  units: z.preprocess(
    (value) => (typeof value === "number" ? String(value) : exact(value)),
    z
      .string()
      .max(40, "value_is_too_long")
      .regex(/^\d+(\.\d+)?$/, "value_is_invalid")
      .refine((value) => Number(value) <= 1e15, "value_is_out_of_range")
      .nullish(),
  ),
  unit_amount_cents: z.preprocess(
    (value) => (isLosslessNumber(value) ? Number(String(value)) : value),
    z
      .number({ message: "value_is_invalid" })
      .int("value_is_invalid")
      .min(0, "value_is_out_of_range")
      .max(Number.MAX_SAFE_INTEGER, "value_is_out_of_range")
      .nullish(),
  ),
  description: text(MAX_DESCRIPTION),
  invoice_display_name: text(MAX_TEXT),
  tax_codes: z.array(code).max(50, "too_many_tax_codes").nullish(),
});

const oneOffInput = z.object({
  external_customer_id: code,
  currency: z
    .string()
    .refine((value) => CURRENCIES.has(value), "value_is_invalid")
    .nullish(),
  fees: z.array(fee).max(MAX_ONE_OFF_FEES, "too_many_fees").nullish(),
});

/**
 * POST /invoices: a one-off invoice of add-ons, `{ invoice: { external_customer_id, currency?,
 * fees: [{ add_on_code, units?, unit_amount_cents?, description?, invoice_display_name?,
 * tax_codes? }] } }`, answered with the invoice as `GET /invoices/{id}` shows it.
 */
export async function createOneOffInvoiceRoute(
  request: ApiRequest,
  deps: InvoiceChangeDeps,
): Promise<HttpResponse> {
  const input = parseOrReject(oneOffInput, rootParam(request.body, "invoice"));
  // The API key's organization may be a minute old; its numbering and timezone are read fresh.
  const organization = (await deps.organizations.get(request.organization.id)) ?? request.organization;
  const invoice = await createOneOffInvoice(deps, {
    organization,
    externalCustomerId: input.external_customer_id,
    currency: input.currency ?? null,
    fees: (input.fees ?? []).map((entry) => ({
      addOnCode: entry.add_on_code,
      units: entry.units ?? null,
      unitAmountCents: entry.unit_amount_cents ?? null,
      description: entry.description ?? null,
      invoiceDisplayName: entry.invoice_display_name ?? null,
      taxCodes: entry.tax_codes ?? null,
    })),
    now: request.receivedAt,
  });
  const embeds = await invoiceEmbeds({ catalog: deps.catalog, organization }, [invoice], request.receivedAt);
  return ok({ invoice: serializeInvoice(invoice, embeds.get(invoice.id)) });
}
