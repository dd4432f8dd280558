import { z } from "zod";
import { MAX_PAYMENT_REFERENCE_LENGTH } from "#shared/domain/invoices/manual-payment.js";
import { type ApiRequest, rootParam } from "#shared/platform/http/api-handler.js";
import { forbidden, invalid, LagoHttpError, notFound } from "#shared/platform/http/errors.js";
import { pageOf, paginate } from "#shared/platform/http/pagination.js";
import { type HttpResponse, ok } from "#shared/platform/http/responses.js";
import { parseOrReject } from "#shared/platform/http/validation.js";
import { InvoiceContendedError } from "../store/invoice-store.js";
import type { PaymentStore } from "../store/payment-store.js";
import { type PaymentDeps, recordPayment } from "./record-payment.js";
import { serializePayment } from "./serialize-payment.js";

/** A date (`2025-02-20`, midnight UTC as Lago parses it) or an instant with its offset. */
const paidAt = z.union([z.iso.date(), z.iso.datetime({ offset: true })], { message: "invalid_date" });

const paymentInput = z.object({
  invoice_id: z
    .string({ message: "value_is_mandatory" })
    .min(1, "value_is_mandatory")
    .max(100, "invalid_value"),
  amount_cents: z
    .number({ message: "invalid_value" })
    .int("invalid_value")
    .positive("invalid_value")
    .max(Number.MAX_SAFE_INTEGER, "invalid_value"),
  reference: z
    .string({ message: "value_is_mandatory" })
    .trim()
    .min(1, "value_is_mandatory")
    .max(MAX_PAYMENT_REFERENCE_LENGTH, "value_is_too_long"),
  paid_at: paidAt.nullish(),
});

/**
 * POST /payments: a manual payment of an invoice, `{ payment: { invoice_id, amount_cents,
 * reference, paid_at? } }`, answered with Lago's payment object. 404 `invoice_not_found` for an
 * invoice not in the organization, 403 `feature_unavailable` for one not finalized (Lago's
 * answer), 422 `amount_cents: value_is_out_of_range` above what is still due. The same invoice,
 * reference and amount sent again answer the payment already recorded (see `manualPaymentId`).
 */
export async function createPayment(request: ApiRequest, deps: PaymentDeps): Promise<HttpResponse> {
  const input = parseOrReject(paymentInput, rootParam(request.body, "payment"));
  try {
    const outcome = await recordPayment(
      deps,
      request.organization.id,
      {
        invoiceId: input.invoice_id,
        amountCents: input.amount_cents,
        reference: input.reference,
        ...(input.paid_at ? { paidAt: new Date(input.paid_at).toISOString() } : {}),
      },
      request.receivedAt,
    );
    if (outcome.kind === "not_found") throw notFound("invoice");
    if (outcome.kind === "forbidden") throw forbidden("feature_unavailable");
    if (outcome.kind === "invalid") throw invalid(outcome.field, outcome.code);
    return ok({ payment: serializePayment(outcome.payment) });
  } catch (error) {
    if (error instanceof InvoiceContendedError)
      throw new LagoHttpError(409, { status: 409, error: "Conflict", code: "concurrent_change" });
    throw error;
  }
}

const paymentFilters = z.object({
  invoice_id: z.string().optional(),
  external_customer_id: z.string().optional(),
});

/** GET /payments: newest first, filtered by invoice or customer, with Lago's pagination. */
export async function listPayments(
  request: ApiRequest,
  payments: Pick<PaymentStore, "list">,
): Promise<HttpResponse> {
  const { query } = request;
  const filters = parseOrReject(paymentFilters, {
    invoice_id: query.get("invoice_id") ?? undefined,
    external_customer_id: query.get("external_customer_id") ?? undefined,
  });
  const page = pageOf(query);
  const all = (await payments.list(request.organization.id)).filter(
    (payment) =>
      (!filters.invoice_id || payment.invoiceId === filters.invoice_id) &&
      (!filters.external_customer_id || payment.externalCustomerId === filters.external_customer_id),
  );
  const { items, meta } = paginate(all, page);
  return ok({ payments: items.map(serializePayment), meta });
}

/** GET /payments/{id}: 404 `payment_not_found` for one not in the organization. */
export async function getPayment(
  request: ApiRequest,
  payments: Pick<PaymentStore, "get">,
): Promise<HttpResponse> {
  const payment = await payments.get(request.organization.id, request.params.lago_id ?? "");
  if (!payment) throw notFound("payment");
  return ok({ payment: serializePayment(payment) });
}
