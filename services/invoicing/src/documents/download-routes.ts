import type { ApiRequest } from "#shared/platform/http/api-handler.js";
import { notFound } from "#shared/platform/http/errors.js";
import { type HttpResponse, ok, text } from "#shared/platform/http/responses.js";
import type { OrganizationStore } from "#shared/store/organization-store.js";
import { type EmbedSources, invoiceEmbeds } from "../invoices/invoice-embeds.js";
import { serializeInvoice } from "../invoices/serialize.js";
import { type DownloadDeps, downloadInvoice } from "./download-invoice.js";

export interface DownloadRouteDeps extends DownloadDeps {
  readonly catalog: EmbedSources["catalog"];
  readonly organizations: Pick<OrganizationStore, "get">;
}

/**
 * POST /invoices/{lago_id}/download: the invoice with its presigned `file_url` when its PDF is
 * stored; else 200 with an empty body, as Lago answers while its job renders it
 * (`invoice.generated` follows). A draft, a voided or an unknown invoice is 404 `invoice_not_found`.
 */
export async function downloadInvoiceRoute(
  request: ApiRequest,
  deps: DownloadRouteDeps,
): Promise<HttpResponse> {
  const outcome = await downloadInvoice(
    deps,
    request.organization.id,
    request.params.lago_id ?? "",
    request.receivedAt,
  );
  if (outcome.kind === "not_found") throw notFound("invoice");
  if (outcome.kind === "queued") return text(200, "");
  const organization = (await deps.organizations.get(request.organization.id)) ?? request.organization;
  const embeds = await invoiceEmbeds(
    { catalog: deps.catalog, organization },
    [outcome.invoice],
    request.receivedAt,
  );
  return ok({ invoice: serializeInvoice(outcome.invoice, embeds.get(outcome.invoice.id)) });
}
