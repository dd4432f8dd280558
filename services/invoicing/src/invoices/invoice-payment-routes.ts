import { z } from "zod";
import {
  MAX_INVOICE_METADATA,
  MAX_METADATA_KEY_LENGTH,
  MAX_METADATA_VALUE_LENGTH,
} from "#shared/domain/invoices/invoice-payment-update.js";
import { type ApiRequest, rootParam } from "#shared/platform/http/api-handler.js";
import { invalid, LagoHttpError, methodNotAllowed, notFound } from "#shared/platform/http/errors.js";
import { type HttpResponse, ok, text } from "#shared/platform/http/responses.js";
import { parseInput, parseOrReject } from "#shared/platform/http/validation.js";
import { CatalogStore } from "#shared/store/catalog-store.js";
import { OrganizationStore } from "#shared/store/organization-store.js";
import type { PaymentDeps } from "../payments/record-payment.js";
import { retryInvoicePayment } from "../payments/retry-invoice-payment.js";
import { updateInvoice } from "../payments/update-invoice.js";
import { InvoiceContendedError, type StoredInvoice } from "../store/invoice-store.js";
import { type EmbedSources, invoiceEmbeds } from "./invoice-embeds.js";
import { serializeInvoice } from "./serialize.js";

/** What the answer embeds is read from the catalog (read only) and the organization's settings. */
interface Reads {
  readonly catalog: EmbedSources["catalog"];
  readonly organizations: Pick<OrganizationStore, "get">;
}
let defaultReads: Reads | undefined;
const reads = (): Reads => {
  defaultReads ??= { catalog: new CatalogStore(), organizations: new OrganizationStore() };
  return defaultReads;
};

/** The invoice as `GET /invoices/{id}` shows it. */
async function shown(request: ApiRequest, invoice: StoredInvoice): Promise<HttpResponse> {
  const { catalog, organizations } = reads();
  const organization = (await organizations.get(request.organization.id)) ?? request.organization;
  const embeds = await invoiceEmbeds({ catalog, organization }, [invoice], request.receivedAt);
  return ok({ invoice: serializeInvoice(invoice, embeds.get(invoice.id)) });
}

/** A change that kept meeting concurrent ones wrote nothing: the client may send it again. */
async function answeringConflicts(change: () => Promise<HttpResponse>): Promise<HttpResponse> {
  try {
    return await change();
  } catch (error) {
    if (error instanceof InvoiceContendedError)
      throw new LagoHttpError(409, { status: 409, error: "Conflict", code: "concurrent_change" });
    throw error;
  }
}

const metadataEntry = z.object({
  id: z.string().max(100).nullish(),
  key: z
    .string({ message: "value_is_mandatory" })
    .min(1, "value_is_mandatory")
    .max(MAX_METADATA_KEY_LENGTH, "value_is_too_long"),
  value: z
    .string({ message: "value_is_mandatory" })
    .min(1, "value_is_mandatory")
    .max(MAX_METADATA_VALUE_LENGTH, "value_is_too_long"),
});

const invoiceUpdate = z.object({
  payment_status: z.enum(["pending", "succeeded", "failed"], { message: "value_is_invalid" }).optional(),
  metadata: z.array(z.unknown(), { message: "invalid_value" }).nullish(),
});

/**
 * PUT /invoices/{lago_id}: `{ invoice: { payment_status, metadata } }`, answered with the invoice as
 * GET shows it. Lago's checks in Lago's order: 404 unknown invoice, 405 `update_on_voided_invoice`,
 * 422 `payment_status: value_is_invalid`, 422 `metadata: invalid_count` beyond 5 entries, then each
 * entry (key and value required, at most 20 and 140 characters, keys unique).
 */
export function updateInvoiceRoute(request: ApiRequest, deps: PaymentDeps): Promise<HttpResponse> {
  return answeringConflicts(async () => {
    const params = parseOrReject(invoiceUpdate, rootParam(request.body, "invoice"));
    const entries = params.metadata ?? undefined;
    if (entries && entries.length > MAX_INVOICE_METADATA) throw invalid("metadata", "invalid_count");
    const metadata = entries?.map((entry, index) => {
      const parsed = parseInput(metadataEntry, entry);
      if (!parsed.success)
        throw new LagoHttpError(422, {
          status: 422,
          error: "Unprocessable Entity",
          code: "validation_errors",
          error_details: Object.fromEntries(
            Object.entries(parsed.errorDetails).map(([field, codes]) => [
              `metadata.${index}.${field}`,
              codes,
            ]),
          ),
        });
      return parsed.data;
    });
    if (metadata && new Set(metadata.map((entry) => entry.key)).size !== metadata.length)
      throw invalid("metadata.key", "value_already_exist");
    const outcome = await updateInvoice(
      deps,
      request.organization.id,
      request.params.lago_id ?? "",
      {
        ...(params.payment_status ? { paymentStatus: params.payment_status } : {}),
        ...(metadata ? { metadata } : {}),
      },
      request.receivedAt,
    );
    if (outcome.kind === "not_found") throw notFound("invoice");
    if (outcome.kind === "refused") throw methodNotAllowed(outcome.code);
    return shown(request, outcome.invoice);
  });
}

/**
 * POST /invoices/{lago_id}/retry_payment: Lago answers 200 with an empty body once the collection is
 * asked for (with no provider, `invoice.payment_failure` tells it failed); a draft, voided or paid
 * invoice is 405 `invalid_status`, one whose collection is running 405
 * `payment_processor_is_currently_handling_payment`.
 */
export function retryPaymentRoute(request: ApiRequest, deps: PaymentDeps): Promise<HttpResponse> {
  return answeringConflicts(async () => {
    const outcome = await retryInvoicePayment(
      deps,
      request.organization.id,
      request.params.lago_id ?? "",
      Date.parse(request.receivedAt),
    );
    if (outcome.kind === "not_found") throw notFound("invoice");
    if (outcome.kind === "refused") throw methodNotAllowed(outcome.code);
    return text(200, "");
  });
}
