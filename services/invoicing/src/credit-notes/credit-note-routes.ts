/** The credit note routes: parse, call the use case, map its outcome to Lago's answer. */
import { parseCreditNoteListFilters } from "#shared/domain/credit-notes/credit-note-filters.js";
import type { CreditNoteRefusal } from "#shared/domain/credit-notes/issue-credit-note.js";
import { estimateCreditNote } from "#shared/domain/credit-notes/issue-credit-note.js";
import { type ApiRequest, rootParam } from "#shared/platform/http/api-handler.js";
import { LagoHttpError, methodNotAllowed, notFound, validationFailed } from "#shared/platform/http/errors.js";
import { pageOf, paginate } from "#shared/platform/http/pagination.js";
import { type HttpResponse, ok } from "#shared/platform/http/responses.js";
import { parseOrReject, toErrorDetails } from "#shared/platform/http/validation.js";
import type { CatalogStore } from "#shared/store/catalog-store.js";
import type { StoredCreditNote } from "../store/credit-note-store.js";
import { InvoiceContendedError } from "../store/invoice-store.js";
import { type CreditNoteDeps, createCreditNote } from "./create-credit-note.js";
import { presentCreditNotes } from "./credit-note-embeds.js";
import { creditNoteCreate, creditNoteEstimate, creditNoteUpdate } from "./credit-note-input.js";
import { listCreditNotes } from "./list-credit-notes.js";
import { serializeCreditNoteEstimate } from "./serialize-credit-note.js";
import { updateCreditNote } from "./update-credit-note.js";
import { voidCreditNote } from "./void-credit-note.js";

export type CreditNoteRouteDeps = CreditNoteDeps & {
  readonly catalog: CreditNoteDeps["catalog"] & Pick<CatalogStore, "getCustomer" | "customerOf">;
};

/** Lago's answer to a refused credit note: 405, 404 for an unknown fee, else 422 by field. */
function refusalError(refusal: CreditNoteRefusal): LagoHttpError {
  if (refusal.kind === "not_allowed") return methodNotAllowed(refusal.code);
  if (refusal.kind === "fee_not_found") return notFound("fee");
  return validationFailed(refusal.errors);
}

const concurrentChange = () =>
  new LagoHttpError(409, { status: 409, error: "Conflict", code: "concurrent_change" });

async function shown(request: ApiRequest, deps: CreditNoteRouteDeps, notes: readonly StoredCreditNote[]) {
  const organization = (await deps.organizations.get(request.organization.id)) ?? request.organization;
  return presentCreditNotes(
    { catalog: deps.catalog, organization, invoiceOf: (org, id) => deps.invoices.get(org, id) },
    notes,
  );
}

async function one(request: ApiRequest, deps: CreditNoteRouteDeps, note: StoredCreditNote) {
  const [credit_note] = await shown(request, deps, [note]);
  return ok({ credit_note });
}

/** POST /credit_notes */
export async function createCreditNoteRoute(
  request: ApiRequest,
  deps: CreditNoteRouteDeps,
): Promise<HttpResponse> {
  const input = parseOrReject(creditNoteCreate, rootParam(request.body, "credit_note"));
  try {
    const outcome = await createCreditNote(
      deps,
      request.organization.id,
      input.invoice_id,
      {
        origin: "manual",
        reason: input.reason ?? "other",
        description: input.description ?? null,
        items: input.items.map((item) => ({ feeId: item.fee_id, amountCents: item.amount_cents })),
        split: {
          creditAmountCents: input.credit_amount_cents ?? 0,
          refundAmountCents: input.refund_amount_cents ?? 0,
          offsetAmountCents: input.offset_amount_cents ?? 0,
        },
        metadata: input.metadata ?? {},
      },
      request.receivedAt,
    );
    if (outcome.kind === "invoice_not_found") throw notFound("invoice");
    if (outcome.kind === "refused") throw refusalError(outcome.refusal);
    // A request makes its note without a key: never one already made.
    if (outcome.kind === "already_made") throw concurrentChange();
    return one(request, deps, outcome.creditNote);
  } catch (error) {
    if (error instanceof InvoiceContendedError) throw concurrentChange();
    throw error;
  }
}

/** POST /credit_notes/estimate */
export async function estimateCreditNoteRoute(
  request: ApiRequest,
  deps: Pick<CreditNoteRouteDeps, "invoices">,
): Promise<HttpResponse> {
  const input = parseOrReject(creditNoteEstimate, rootParam(request.body, "credit_note"));
  const invoice = await deps.invoices.get(request.organization.id, input.invoice_id);
  if (!invoice) throw notFound("invoice");
  const estimated = estimateCreditNote(
    invoice,
    input.items.map((item) => ({ feeId: item.fee_id, amountCents: item.amount_cents })),
  );
  if (!estimated.ok) throw refusalError(estimated.refusal);
  return ok({ estimated_credit_note: serializeCreditNoteEstimate(invoice, estimated.estimate) });
}

/** GET /credit_notes/{lago_id} */
export async function getCreditNoteRoute(
  request: ApiRequest,
  deps: CreditNoteRouteDeps,
): Promise<HttpResponse> {
  const note = await deps.creditNotes.get(request.organization.id, request.params.lago_id ?? "");
  if (!note) throw notFound("credit_note");
  return one(request, deps, note);
}

/** PUT /credit_notes/{lago_id}: refund status and metadata. */
export async function updateCreditNoteRoute(
  request: ApiRequest,
  deps: CreditNoteRouteDeps,
): Promise<HttpResponse> {
  const input = parseOrReject(creditNoteUpdate, rootParam(request.body, "credit_note"));
  const outcome = await updateCreditNote(
    deps.creditNotes,
    request.organization.id,
    request.params.lago_id ?? "",
    {
      ...(input.refund_status ? { refundStatus: input.refund_status } : {}),
      ...(input.metadata !== undefined ? { metadata: input.metadata } : {}),
    },
    request.receivedAt,
  );
  if (outcome.kind === "not_found") throw notFound("credit_note");
  if (outcome.kind === "contended") throw concurrentChange();
  return one(request, deps, outcome.creditNote);
}

/** PUT /credit_notes/{lago_id}/void */
export async function voidCreditNoteRoute(
  request: ApiRequest,
  deps: CreditNoteRouteDeps,
): Promise<HttpResponse> {
  const outcome = await voidCreditNote(
    deps.creditNotes,
    request.organization.id,
    request.params.lago_id ?? "",
    request.receivedAt,
  );
  if (outcome.kind === "not_found") throw notFound("credit_note");
  if (outcome.kind === "refused") throw methodNotAllowed(outcome.code);
  if (outcome.kind === "contended") throw concurrentChange();
  return one(request, deps, outcome.creditNote);
}

async function answerList(
  request: ApiRequest,
  deps: CreditNoteRouteDeps,
  externalCustomerId: string | undefined,
): Promise<HttpResponse> {
  const parsed = parseCreditNoteListFilters(request.query.entries());
  if (!parsed.success) throw validationFailed(toErrorDetails(parsed.issues));
  const filters =
    externalCustomerId === undefined ? parsed.filters : { ...parsed.filters, externalCustomerId };
  const page = pageOf(request.query);
  const listed = await listCreditNotes(
    deps.creditNotes,
    (note) =>
      deps.catalog.customerOf({
        organizationId: note.organizationId,
        customerId: note.customerId,
        externalCustomerId: note.externalCustomerId,
      }),
    request.organization.id,
    filters,
  );
  const { items, meta } = paginate(listed, page);
  return ok({ credit_notes: await shown(request, deps, items), meta });
}

/** GET /credit_notes: newest first, with Lago's filters and pagination. */
export function listCreditNotesRoute(request: ApiRequest, deps: CreditNoteRouteDeps): Promise<HttpResponse> {
  return answerList(request, deps, undefined);
}

/** GET /customers/{external_customer_id}/credit_notes: the customer's, or 404 `customer_not_found`. */
export async function listCustomerCreditNotesRoute(
  request: ApiRequest,
  deps: CreditNoteRouteDeps,
): Promise<HttpResponse> {
  const externalId = request.params.external_customer_id ?? "";
  const customer = await deps.catalog.getCustomer(request.organization.id, externalId);
  if (!customer) throw notFound("customer");
  return answerList(request, deps, customer.externalId);
}
