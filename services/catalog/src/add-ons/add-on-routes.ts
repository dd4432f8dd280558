import { randomUUID } from "node:crypto";
import type { AddOn } from "#shared/domain/catalog.js";
import { type ApiRequest, rootParam } from "#shared/platform/http/api-handler.js";
import { notFound } from "#shared/platform/http/errors.js";
import { pageOf, paginate } from "#shared/platform/http/pagination.js";
import { type HttpResponse, ok } from "#shared/platform/http/responses.js";
import { parseOrReject } from "#shared/platform/http/validation.js";
import type { CatalogStore } from "#shared/store/catalog-store.js";
import { newestFirst, patch } from "../shared-schemas.js";
import { addOnCreate, addOnUpdate } from "./add-on-input.js";
import { createAddOn as create } from "./create-add-on.js";
import { deleteAddOn as remove } from "./delete-add-on.js";
import { serializeAddOn } from "./serialize.js";
import { updateAddOn as update } from "./update-add-on.js";

async function existing(request: ApiRequest, store: CatalogStore): Promise<AddOn> {
  const addOn = await store.getAddOn(request.organization.id, request.params.code ?? "");
  if (!addOn) throw notFound("add_on");
  return addOn;
}

async function shown(store: CatalogStore, addOn: AddOn) {
  const taxes = addOn.taxCodes.length ? await store.listTaxes(addOn.organizationId) : [];
  return { add_on: serializeAddOn(addOn, taxes) };
}

export async function createAddOn(request: ApiRequest, store: CatalogStore): Promise<HttpResponse> {
  const input = parseOrReject(addOnCreate, rootParam(request.body, "add_on"));
  const addOn: AddOn = {
    id: randomUUID(),
    organizationId: request.organization.id,
    name: input.name,
    code: input.code,
    invoiceDisplayName: input.invoice_display_name ?? null,
    description: input.description ?? null,
    amountCents: input.amount_cents,
    amountCurrency: input.amount_currency,
    taxCodes: [...new Set(input.tax_codes ?? [])],
    createdAt: request.receivedAt,
  };
  await create(store, addOn);
  return ok(await shown(store, addOn));
}

export async function updateAddOn(request: ApiRequest, store: CatalogStore): Promise<HttpResponse> {
  const input = parseOrReject(addOnUpdate, rootParam(request.body, "add_on"));
  const addOn = await existing(request, store);
  const updated: AddOn = {
    ...addOn,
    name: patch(input.name, addOn.name),
    code: patch(input.code, addOn.code),
    invoiceDisplayName: patch(input.invoice_display_name, addOn.invoiceDisplayName) ?? null,
    description: patch(input.description, addOn.description) ?? null,
    amountCents: patch(input.amount_cents, addOn.amountCents),
    amountCurrency: patch(input.amount_currency, addOn.amountCurrency),
    taxCodes: input.tax_codes ? [...new Set(input.tax_codes)] : addOn.taxCodes,
  };
  await update(store, addOn, updated);
  return ok(await shown(store, updated));
}

export async function deleteAddOn(request: ApiRequest, store: CatalogStore): Promise<HttpResponse> {
  const addOn = await existing(request, store);
  await remove(store, addOn);
  return ok(await shown(store, addOn));
}

export async function getAddOn(request: ApiRequest, store: CatalogStore): Promise<HttpResponse> {
  return ok(await shown(store, await existing(request, store)));
}

export async function listAddOns(request: ApiRequest, store: CatalogStore): Promise<HttpResponse> {
  const [addOns, taxes] = await Promise.all([
    store.listAddOns(request.organization.id),
    store.listTaxes(request.organization.id),
  ]);
  const { items, meta } = paginate(addOns.sort(newestFirst), pageOf(request.query));
  return ok({ add_ons: items.map((addOn) => serializeAddOn(addOn, taxes)), meta });
}
