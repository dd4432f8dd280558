import { z } from "zod";
import type { ApiRequest } from "#shared/platform/http/api-handler.js";
import { invalid, LagoHttpError, methodNotAllowed, notFound } from "#shared/platform/http/errors.js";
import { type HttpResponse, ok } from "#shared/platform/http/responses.js";
import { parseOrReject } from "#shared/platform/http/validation.js";
import { CatalogStore } from "#shared/store/catalog-store.js";
import { OrganizationStore } from "#shared/store/organization-store.js";
import type { CreditNoteStore } from "../store/credit-note-store.js";
import { InvoiceContendedError, type InvoiceStore, type StoredInvoice } from "../store/invoice-store.js";
import { finalizeInvoice } from "./finalize-invoice.js";
import { type EmbedSources, invoiceEmbeds } from "./invoice-embeds.js";
import { type InvoiceChangeDeps, refreshDraft } from "./refresh-draft.js";
import { serializeInvoice } from "./serialize.js";
import { defaultCreditNoteStore, voidInvoice } from "./void-invoice.js";
import { voidInvoiceWithCreditNotes } from "./void-invoice-with-credit-notes.js";

/** What invoices embed is read from the catalog (read only) and the organization's settings. */
export interface CatalogReads {
  readonly catalog: EmbedSources["catalog"];
  readonly organizations: Pick<OrganizationStore, "get">;
}

let catalogReads: CatalogReads | undefined;
const defaultCatalogReads = (): CatalogReads => {
  catalogReads ??= { catalog: new CatalogStore(), organizations: new OrganizationStore() };
  return catalogReads;
};

/** Invoices as Lago shows them, each with its customer and subscription as they are now. */
async function present(request: ApiRequest, reads: CatalogReads, invoices: readonly StoredInvoice[]) {
  if (invoices.length === 0) return [];
  // The API key's organization may be a minute old; its settings (timezone, name) are read fresh.
  const organization = (await reads.organizations.get(request.organization.id)) ?? request.organization;
  const embeds = await invoiceEmbeds({ catalog: reads.catalog, organization }, invoices, request.receivedAt);
  return invoices.map((invoice) => serializeInvoice(invoice, embeds.get(invoice.id)));
}

export async function getInvoice(
  request: ApiRequest,
  store: InvoiceStore,
  reads: CatalogReads = defaultCatalogReads(),
): Promise<HttpResponse> {
  const invoice = await store.get(request.organization.id, request.params.lago_id ?? "");
  if (!invoice) throw notFound("invoice");
  const [shown] = await present(request, reads, [invoice]);
  return ok({ invoice: shown });
}

/** One invoice as its routes answer it, with its customer and subscription. */
async function shown(
  request: ApiRequest,
  reads: CatalogReads,
  invoice: StoredInvoice,
): Promise<HttpResponse> {
  const [presented] = await present(request, reads, [invoice]);
  return ok({ invoice: presented });
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

/** PUT /invoices/{lago_id}/refresh: a draft made again from usage now; any other invoice as it is. */
export function refreshInvoice(
  request: ApiRequest,
  deps: InvoiceChangeDeps,
  reads: CatalogReads = defaultCatalogReads(),
): Promise<HttpResponse> {
  return answeringConflicts(async () => {
    const invoice = await refreshDraft(
      deps,
      request.organization.id,
      request.params.lago_id ?? "",
      request.receivedAt,
    );
    if (!invoice) throw notFound("invoice");
    return shown(request, reads, invoice);
  });
}

/**
 * PUT /invoices/{lago_id}/finalize: Lago finds only drafts (another invoice is 404), and answers
 * a draft someone else finalized meanwhile as it now is.
 */
export function finalizeDraftInvoice(
  request: ApiRequest,
  deps: InvoiceChangeDeps,
  reads: CatalogReads = defaultCatalogReads(),
): Promise<HttpResponse> {
  return answeringConflicts(async () => {
    const outcome = await finalizeInvoice(
      deps,
      request.organization.id,
      request.params.lago_id ?? "",
      request.receivedAt,
    );
    if (outcome.kind === "not_found" || (outcome.kind === "not_draft" && !outcome.raced))
      throw notFound("invoice");
    return shown(request, reads, outcome.invoice);
  });
}

/** Lago's void parameters (at the body's root); the credit note amounts matter only with one. */
const voidParams = z.object({
  generate_credit_note: z
    .union([z.boolean(), z.enum(["true", "false"])], { message: "value_is_invalid" })
    .nullish(),
  refund_amount: z.number({ message: "value_is_invalid" }).int("value_is_invalid").min(0).nullish(),
  credit_amount: z.number({ message: "value_is_invalid" }).int("value_is_invalid").min(0).nullish(),
});

/**
 * POST /invoices/{lago_id}/void: a finalized, unpaid invoice no credit note credits is voided; any
 * other is 405 `not_voidable`. With `generate_credit_note` any finalized invoice is voided, paid
 * or not, with a credit note for `credit_amount` and `refund_amount` (422 on
 * `credit_refund_amount` past what it can credit or refund) and one for the rest, voided at once.
 */
export function voidFinalizedInvoice(
  request: ApiRequest,
  deps: InvoiceChangeDeps & { readonly creditNotes?: CreditNoteStore },
  reads: CatalogReads = defaultCatalogReads(),
): Promise<HttpResponse> {
  return answeringConflicts(async () => {
    const { body } = request;
    const params = parseOrReject(
      voidParams,
      body !== null && typeof body === "object" && !Array.isArray(body) ? body : {},
    );
    const organizationId = request.organization.id;
    const invoiceId = request.params.lago_id ?? "";
    const creditNote = params.generate_credit_note === true || params.generate_credit_note === "true";
    const creditNotes = deps.creditNotes ?? defaultCreditNoteStore();
    const outcome = creditNote
      ? await voidInvoiceWithCreditNotes(
          { ...deps, creditNotes },
          organizationId,
          invoiceId,
          { creditAmountCents: params.credit_amount ?? 0, refundAmountCents: params.refund_amount ?? 0 },
          request.receivedAt,
        )
      : await voidInvoice({ ...deps, creditNotes }, organizationId, invoiceId, request.receivedAt);
    if (outcome.kind === "not_found") throw notFound("invoice");
    if (outcome.kind === "invalid") throw invalid("credit_refund_amount", outcome.code);
    if (outcome.kind === "refused") throw methodNotAllowed(outcome.code);
    return shown(request, reads, outcome.invoice);
  });
}
