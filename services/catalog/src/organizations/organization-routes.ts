import { z } from "zod";
import type { Organization } from "#shared/domain/catalog.js";
import { type ApiRequest, rootParam } from "#shared/platform/http/api-handler.js";
import { notFound } from "#shared/platform/http/errors.js";
import { type HttpResponse, ok } from "#shared/platform/http/responses.js";
import { parseOrReject } from "#shared/platform/http/validation.js";
import { dayCount, MAX_NAME_LENGTH } from "../catalog-limits.js";
import {
  applyLegalDetails,
  currencyCode,
  gracePeriodDays,
  legalDetailsInput,
  patch,
  timezoneName,
  webhookUrl,
} from "../shared-schemas.js";
import type { OrganizationDeps } from "./organization-deps.js";
import { serializeOrganization } from "./serialize.js";
import { updateOrganization as update } from "./update-organization.js";

const organizationUpdate = z.object({
  name: z.string().trim().min(1).max(MAX_NAME_LENGTH, { message: "value_is_too_long" }).optional(),
  ...legalDetailsInput,
  default_currency: currencyCode.optional(),
  timezone: timezoneName.optional(),
  net_payment_term: dayCount().optional(),
  document_numbering: z
    .enum(["per_customer", "per_organization"], { message: "value_is_invalid" })
    .optional(),
  document_number_prefix: z.string().trim().min(1).max(10, { message: "value_is_too_long" }).optional(),
  // An empty webhook_url adds nothing.
  webhook_url: z.literal("").or(webhookUrl).nullable().optional(),
  billing_configuration: z.object({ invoice_grace_period: gracePeriodDays.optional() }).optional(),
});

/** Reads the organization afresh: the one the API key resolved to may be a cached copy. */
async function current(request: ApiRequest, deps: OrganizationDeps): Promise<Organization> {
  const organization = await deps.organizations.get(request.organization.id);
  if (!organization) throw notFound("organization");
  return organization;
}

async function present(deps: OrganizationDeps, organization: Organization) {
  const [webhookEndpoints, taxes] = await Promise.all([
    deps.catalog.listWebhookEndpoints(organization.id),
    deps.catalog.listTaxes(organization.id),
  ]);
  return { organization: serializeOrganization(organization, { webhookEndpoints, taxes }) };
}

export async function getOrganization(request: ApiRequest, deps: OrganizationDeps): Promise<HttpResponse> {
  return ok(await present(deps, await current(request, deps)));
}

export async function updateOrganization(request: ApiRequest, deps: OrganizationDeps): Promise<HttpResponse> {
  const input = parseOrReject(organizationUpdate, rootParam(request.body, "organization"));
  const organization = await current(request, deps);
  const updated: Organization = applyLegalDetails(
    {
      ...organization,
      name: patch(input.name, organization.name),
      defaultCurrency: patch(input.default_currency, organization.defaultCurrency),
      timezone: patch(input.timezone, organization.timezone),
      netPaymentTermDays: patch(input.net_payment_term, organization.netPaymentTermDays),
      documentNumbering: patch(input.document_numbering, organization.documentNumbering),
      documentNumberPrefix: patch(input.document_number_prefix, organization.documentNumberPrefix),
      invoiceGracePeriodDays: patch(
        input.billing_configuration?.invoice_grace_period,
        organization.invoiceGracePeriodDays,
      ),
    },
    input,
  );
  await update(deps, updated, input.webhook_url, request.receivedAt);
  return ok(await present(deps, updated));
}
