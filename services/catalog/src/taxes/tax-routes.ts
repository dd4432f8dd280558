import { randomUUID } from "node:crypto";
import { z } from "zod";
import type { Tax } from "#shared/domain/catalog.js";
import { type ApiRequest, rootParam } from "#shared/platform/http/api-handler.js";
import { invalid, notFound } from "#shared/platform/http/errors.js";
import { pageOf, paginate } from "#shared/platform/http/pagination.js";
import { type HttpResponse, ok } from "#shared/platform/http/responses.js";
import { parseOrReject } from "#shared/platform/http/validation.js";
import { AlreadyExistsError, type CatalogStore } from "#shared/store/catalog-store.js";
import { code, newestFirst, optionalText, patch, requiredName } from "../shared-schemas.js";
import { serializeTax } from "./serialize.js";

/** A percentage from 0 to 100, kept as the decimal string it was given. */
const rate = z
  .union([z.number().transform(String), z.string()])
  .pipe(z.string().regex(/^\d+(\.\d+)?$/, { message: "invalid_rate" }))
  .refine((value) => Number(value) <= 100, { message: "invalid_rate" });

const taxFields = {
  name: requiredName,
  code,
  rate,
  description: optionalText,
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
  return ok({ tax: serializeTax(tax) });
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
    await store.updateTax(updated, tax.code);
  } catch (error) {
    if (error instanceof AlreadyExistsError) throw invalid("code", "value_already_exist");
    throw error;
  }
  if (updated.code !== tax.code) await renameTaxCode(store, request.organization.id, tax.code, updated.code);
  return ok({ tax: serializeTax(updated) });
}

/** Customers and plans name taxes by code: a renamed or deleted tax is renamed or removed there too. */
async function renameTaxCode(store: CatalogStore, organizationId: string, from: string, to: string | null) {
  const swap = (codes: readonly string[]) =>
    codes.flatMap((taxCode) => (taxCode === from ? (to ? [to] : []) : [taxCode]));
  for (const customer of await store.listCustomers(organizationId)) {
    if (customer.taxCodes.includes(from))
      await store.updateCustomer({ ...customer, taxCodes: swap(customer.taxCodes) });
  }
  for (const plan of await store.listPlans(organizationId)) {
    const touches =
      plan.taxCodes.includes(from) ||
      plan.charges.some((charge) => charge.taxCodes.includes(from)) ||
      plan.minimumCommitment?.taxCodes.includes(from);
    if (!touches) continue;
    await store.updatePlan({
      ...plan,
      taxCodes: swap(plan.taxCodes),
      charges: plan.charges.map((charge) => ({ ...charge, taxCodes: swap(charge.taxCodes) })),
      minimumCommitment: plan.minimumCommitment
        ? { ...plan.minimumCommitment, taxCodes: swap(plan.minimumCommitment.taxCodes) }
        : null,
    });
  }
}

export async function deleteTax(request: ApiRequest, store: CatalogStore): Promise<HttpResponse> {
  const tax = await existing(request, store);
  await store.deleteTax(tax);
  await renameTaxCode(store, request.organization.id, tax.code, null);
  return ok({ tax: serializeTax(tax) });
}

export async function getTax(request: ApiRequest, store: CatalogStore): Promise<HttpResponse> {
  return ok({ tax: serializeTax(await existing(request, store)) });
}

export async function listTaxes(request: ApiRequest, store: CatalogStore): Promise<HttpResponse> {
  const taxes = (await store.listTaxes(request.organization.id)).sort(newestFirst);
  const { items, meta } = paginate(taxes, pageOf(request.query));
  return ok({ taxes: items.map(serializeTax), meta });
}

/** Tax codes a request names must exist: Lago answers 404 `tax_not_found` otherwise. */
export async function requireTaxes(
  store: CatalogStore,
  organizationId: string,
  codes: readonly string[],
): Promise<void> {
  const found = await Promise.all(
    [...new Set(codes)].map((taxCode) => store.getTax(organizationId, taxCode)),
  );
  if (found.some((tax) => !tax)) throw notFound("tax");
}
