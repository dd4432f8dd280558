/** `GET /fees`, `GET`, `PUT` and `DELETE /fees/{lago_id}`: parse, read or change, map. */
import { z } from "zod";
import type { ApiRequest } from "#shared/platform/http/api-handler.js";
import { invalid, methodNotAllowed, notFound } from "#shared/platform/http/errors.js";
import { pageOf, paginationMeta } from "#shared/platform/http/pagination.js";
import { type HttpResponse, ok } from "#shared/platform/http/responses.js";
import { parseOrReject } from "#shared/platform/http/validation.js";
import { CatalogStore } from "#shared/store/catalog-store.js";
import { OrganizationStore } from "#shared/store/organization-store.js";
import { isStandaloneHolder } from "../advance-charges/serialize-advance-fee.js";
import { type EmbedSources, invoiceEmbeds } from "../invoices/invoice-embeds.js";
import type { InvoiceQueries } from "../store/invoice-queries.js";
import { type DeleteFeeDeps, deleteFee } from "./delete-fee.js";
import { feeListQuery } from "./fee-filters.js";
import { getFee } from "./get-fee.js";
import { type ListedFee, listFees } from "./list-fees.js";
import { serializeFeeObject } from "./serialize-fee.js";
import { type UpdateFeeDeps, updateFee } from "./update-fee.js";

export interface FeeReads {
  readonly catalog: EmbedSources["catalog"];
  readonly organizations: Pick<OrganizationStore, "get">;
}

let reads: FeeReads | undefined;
const defaultReads = (): FeeReads => {
  reads ??= { catalog: new CatalogStore(), organizations: new OrganizationStore() };
  return reads;
};

/** Fees as Lago shows them, each with its subscription's plan as the catalog has it now. */
async function present(request: ApiRequest, sources: FeeReads, fees: readonly ListedFee[]) {
  if (fees.length === 0) return [];
  const organization = (await sources.organizations.get(request.organization.id)) ?? request.organization;
  const invoices = [...new Map(fees.map(({ invoice }) => [invoice.id, invoice])).values()];
  const embeds = await invoiceEmbeds(
    { catalog: sources.catalog, organization },
    invoices,
    request.receivedAt,
  );
  return fees.map(({ fee, invoice }) => {
    const context = embeds
      .get(invoice.id)
      ?.subscriptions.find((view) => view.subscription.id === invoice.subscriptionId);
    const shown = serializeFeeObject(fee, invoice, context);
    // A standalone pay-in-advance fee (its charge is not invoiceable) belongs to no invoice.
    return isStandaloneHolder(invoice) ? { ...shown, lago_invoice_id: null } : shown;
  });
}

/** GET /fees: oldest first, with Lago's filters and pagination. */
export async function listFeesRoute(
  request: ApiRequest,
  queries: Pick<InvoiceQueries, "listFees">,
  sources: FeeReads = defaultReads(),
): Promise<HttpResponse> {
  const filters = parseOrReject(feeListQuery, Object.fromEntries(request.query.entries()));
  const page = pageOf(request.query);
  const listed = await listFees(queries, request.organization.id, filters, page);
  return ok({ fees: await present(request, sources, listed.fees), meta: paginationMeta(listed.total, page) });
}

/** GET /fees/{lago_id}: the fee, or 404 `fee_not_found`. */
export async function getFeeRoute(
  request: ApiRequest,
  queries: Pick<InvoiceQueries, "invoicesWithIdPrefix" | "standaloneFee">,
  sources: FeeReads = defaultReads(),
): Promise<HttpResponse> {
  const found = await getFee(queries, request.organization.id, request.params.lago_id ?? "");
  if (!found) throw notFound("fee");
  const [fee] = await present(request, sources, [found]);
  return ok({ fee });
}

/** Lago's `fee` params: only `payment_status` is read (its value is checked by the use case). */
const feeUpdateBody = z.object({ fee: z.object({ payment_status: z.unknown().optional() }) });

/**
 * PUT /fees/{lago_id}: a standalone fee's payment status, answered as GET shows it; 404
 * `fee_not_found`, 405 `invoiced_fee` for a fee on an invoice, 422 for a status Lago does not know.
 */
export async function updateFeeRoute(
  request: ApiRequest,
  deps: UpdateFeeDeps,
  sources: FeeReads = defaultReads(),
): Promise<HttpResponse> {
  const body = parseOrReject(feeUpdateBody, request.body);
  const id = request.params.lago_id ?? "";
  const outcome = await updateFee(
    deps,
    request.organization.id,
    id,
    body.fee.payment_status,
    request.receivedAt,
  );
  if (outcome.kind === "not_found") throw notFound("fee");
  if (outcome.kind === "invoiced") throw methodNotAllowed("invoiced_fee");
  if (outcome.kind === "invalid_payment_status") throw invalid("payment_status", "value_is_invalid");
  const found = await getFee(deps.queries, request.organization.id, id);
  if (!found) throw notFound("fee");
  const [fee] = await present(request, sources, [found]);
  return ok({ fee });
}

/** DELETE /fees/{lago_id}: a standalone fee discarded, answered as it was; 404, 405 `invoiced_fee`. */
export async function deleteFeeRoute(
  request: ApiRequest,
  deps: DeleteFeeDeps,
  sources: FeeReads = defaultReads(),
): Promise<HttpResponse> {
  const outcome = await deleteFee(
    deps,
    request.organization.id,
    request.params.lago_id ?? "",
    request.receivedAt,
  );
  if (outcome.kind === "not_found") throw notFound("fee");
  if (outcome.kind === "invoiced") throw methodNotAllowed("invoiced_fee");
  const [fee] = await present(request, sources, [outcome.fee]);
  return ok({ fee });
}
