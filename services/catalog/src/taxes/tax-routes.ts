import { randomUUID } from "node:crypto";
import { z } from "zod";
import type { Tax } from "#shared/domain/catalog.js";
import { type ApiRequest, rootParam } from "#shared/platform/http/api-handler.js";
import { invalid, notFound } from "#shared/platform/http/errors.js";
import { pageOf, paginate } from "#shared/platform/http/pagination.js";
import { type HttpResponse, ok } from "#shared/platform/http/responses.js";
import { parseOrReject } from "#shared/platform/http/validation.js";
import { AlreadyExistsError, type CatalogStore } from "#shared/store/catalog-store.js";
import { MAX_DECIMAL_LENGTH, MAX_DESCRIPTION_LENGTH } from "../catalog-limits.js";
import { code, newestFirst, optionalText, patch, requiredName } from "../shared-schemas.js";
import { deleteTax as remove } from "./delete-tax.js";
import { serializeTaxWithBillingEntities } from "./serialize.js";
import { updateTax as update } from "./update-tax.js";

/** A percentage from 0 to 100, kept as the decimal string it was given. */
const rate = z
  .union([z.number().transform(String), z.string()])
  .pipe(
    z
      .string()
      .max(MAX_DECIMAL_LENGTH, { message: "value_is_too_long" })
      .regex(/^\d+(\.\d+)?$/, { message: "invalid_rate" }),
  )
  .refine((value) => Number(value) <= 100, { message: "invalid_rate" });

const taxFields = {
  name: requiredName,
  code,
  rate,
  description: optionalText(MAX_DESCRIPTION_LENGTH),
  applied_to_organization: z.boolean().optional(),
};
const taxCreate = z.object(taxFields);
const taxUpdate = z.object(taxFields).partial();

async function existing(request: ApiRequest, store: CatalogStore): Promise<Tax> {
  const tax = await store.getTax(request.organization.id, request.params.code ?? "");
  if (!tax) throw notFound("tax");
  return tax;
}

export async function createTax(request: ApiRequest, store: CatalogStore): Promise<HttpResponse> {
  const input = parseOrReject(taxCreate, rootParam(request.body, "tax"));
  const tax: Tax = {
    id: randomUUID(),
    organizationId: request.organization.id,
    name: input.name,
    code: input.code,
    description: input.description ?? null,
    rate: input.rate,
    appliedToOrganization: input.applied_to_organization ?? false,
    createdAt: request.receivedAt,
  };
  try {
    await store.createTax(tax);
  } catch (error) {
    if (error instanceof AlreadyExistsError) throw invalid("code", "value_already_exist");
    throw error;
  }
  return ok({ tax: serializeTaxWithBillingEntities(tax, request.organization) });
}

export async function updateTax(request: ApiRequest, store: CatalogStore): Promise<HttpResponse> {
  const input = parseOrReject(taxUpdate, rootParam(request.body, "tax"));
  const tax = await existing(request, store);
  const updated: Tax = {
    ...tax,
    name: patch(input.name, tax.name),
    code: patch(input.code, tax.code),
    rate: patch(input.rate, tax.rate),
    description: patch(input.description, tax.description) ?? null,
    appliedToOrganization: patch(input.applied_to_organization, tax.appliedToOrganization),
  };
  try {
    await update(store, tax, updated);
  } catch (error) {
    if (error instanceof AlreadyExistsError) throw invalid("code", "value_already_exist");
    throw error;
  }
  return ok({ tax: serializeTaxWithBillingEntities(updated, request.organization) });
}

export async function deleteTax(request: ApiRequest, store: CatalogStore): Promise<HttpResponse> {
  const tax = await existing(request, store);
  await remove(store, tax);
  return ok({ tax: serializeTaxWithBillingEntities(tax, request.organization) });
}

export async function getTax(request: ApiRequest, store: CatalogStore): Promise<HttpResponse> {
  return ok({ tax: serializeTaxWithBillingEntities(await existing(request, store), request.organization) });
}

export async function listTaxes(request: ApiRequest, store: CatalogStore): Promise<HttpResponse> {
  const taxes = (await store.listTaxes(request.organization.id)).sort(newestFirst);
  const { items, meta } = paginate(taxes, pageOf(request.query));
  return ok({ taxes: items.map((tax) => serializeTaxWithBillingEntities(tax, request.organization)), meta });
}
