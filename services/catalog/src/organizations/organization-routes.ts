import { z } from "zod";
import { isValidTimezone } from "#shared/domain/periods.js";
import { type ApiRequest, rootParam } from "#shared/platform/http/api-handler.js";
import { notFound } from "#shared/platform/http/errors.js";
import { type HttpResponse, ok } from "#shared/platform/http/responses.js";
import { parseOrReject } from "#shared/platform/http/validation.js";
import type { OrganizationStore } from "#shared/store/organization-store.js";
import { currencyCode } from "../shared-schemas.js";
import { serializeOrganization } from "./serialize.js";

const organizationUpdate = z.object({
  name: z.string().trim().min(1).optional(),
  default_currency: currencyCode.optional(),
  timezone: z.string().refine(isValidTimezone, { message: "invalid_timezone" }).optional(),
  net_payment_term: z.number().int().min(0).optional(),
  document_numbering: z.enum(["per_customer", "per_organization"]).optional(),
  document_number_prefix: z.string().trim().min(1).max(10).optional(),
  billing_configuration: z.object({ invoice_grace_period: z.number().int().min(0).optional() }).optional(),
});

/** Reads the organization afresh: the one the API key resolved to may be a cached copy. */
async function current(request: ApiRequest, store: OrganizationStore) {
  const organization = await store.get(request.organization.id);
  if (!organization) throw notFound("organization");
  return organization;
}

export async function getOrganization(request: ApiRequest, store: OrganizationStore): Promise<HttpResponse> {
  return ok({ organization: serializeOrganization(await current(request, store)) });
}

export async function updateOrganization(
  request: ApiRequest,
  store: OrganizationStore,
): Promise<HttpResponse> {
  const input = parseOrReject(organizationUpdate, rootParam(request.body, "organization"));
  const organization = await current(request, store);
  const updated = {
    ...organization,
    name: input.name ?? organization.name,
    defaultCurrency: input.default_currency ?? organization.defaultCurrency,
    timezone: input.timezone ?? organization.timezone,
    netPaymentTermDays: input.net_payment_term ?? organization.netPaymentTermDays,
    documentNumbering: input.document_numbering ?? organization.documentNumbering,
    documentNumberPrefix: input.document_number_prefix ?? organization.documentNumberPrefix,
    invoiceGracePeriodDays:
      input.billing_configuration?.invoice_grace_period ?? organization.invoiceGracePeriodDays,
  };
  await store.put(updated);
  return ok({ organization: serializeOrganization(updated) });
}
