import type { ApiRequest } from "#shared/platform/http/api-handler.js";
import { notFound } from "#shared/platform/http/errors.js";
import { type HttpResponse, ok, text } from "#shared/platform/http/responses.js";
import type { CatalogStore } from "#shared/store/catalog-store.js";
import type { OrganizationStore } from "#shared/store/organization-store.js";
import type { InvoiceStore } from "../store/invoice-store.js";
import { presentCreditNotes } from "./credit-note-embeds.js";
import { type CreditNoteDownloadDeps, downloadCreditNote } from "./download-credit-note.js";

export interface CreditNoteDownloadRouteDeps extends CreditNoteDownloadDeps {
  readonly catalog: Pick<CatalogStore, "customerOf">;
  readonly organizations: Pick<OrganizationStore, "get">;
  readonly invoices: Pick<InvoiceStore, "get">;
}

/**
 * POST /credit_notes/{lago_id}/download: the note with its presigned `file_url` when its PDF is
 * stored; else 200 with an empty body, as Lago answers while its job renders it
 * (`credit_note.generated` follows). An unknown note is 404 `credit_note_not_found`.
 */
export async function downloadCreditNoteRoute(
  request: ApiRequest,
  deps: CreditNoteDownloadRouteDeps,
): Promise<HttpResponse> {
  const outcome = await downloadCreditNote(
    deps,
    request.organization.id,
    request.params.lago_id ?? "",
    request.receivedAt,
  );
  if (outcome.kind === "not_found") throw notFound("credit_note");
  if (outcome.kind === "queued") return text(200, "");
  const organization = (await deps.organizations.get(request.organization.id)) ?? request.organization;
  const [credit_note] = await presentCreditNotes(
    { catalog: deps.catalog, organization, invoiceOf: (org, id) => deps.invoices.get(org, id) },
    [outcome.creditNote],
  );
  return ok({ credit_note });
}
