import { randomUUID } from "node:crypto";
import { z } from "zod";
import type { Customer } from "#shared/domain/catalog.js";
import { type ApiRequest, rootParam } from "#shared/platform/http/api-handler.js";
import { notFound } from "#shared/platform/http/errors.js";
import { pageOf, paginate } from "#shared/platform/http/pagination.js";
import { type HttpResponse, ok } from "#shared/platform/http/responses.js";
import { parseOrReject } from "#shared/platform/http/validation.js";
import { AlreadyExistsError, type CatalogStore } from "#shared/store/catalog-store.js";
import { currencyCode, newestFirst, timezoneName } from "../shared-schemas.js";
import { serializeCustomer } from "./serialize.js";

const customerInput = z.object({
  external_id: z.string().trim().min(1, { message: "value_is_mandatory" }),
  name: z.string().nullable().optional(),
  email: z.string().nullable().optional(),
  currency: currencyCode.nullable().optional(),
  timezone: timezoneName.nullable().optional(),
  billing_configuration: z
    .object({ invoice_grace_period: z.number().int().min(0).nullable().optional() })
    .optional(),
});

type CustomerInput = z.output<typeof customerInput>;

function applyInput(customer: Customer, input: CustomerInput): Customer {
  const grace = input.billing_configuration?.invoice_grace_period;
  return {
    ...customer,
    name: input.name === undefined ? customer.name : input.name,
    email: input.email === undefined ? customer.email : input.email,
    currency: input.currency === undefined ? customer.currency : input.currency,
    timezone: input.timezone === undefined ? customer.timezone : input.timezone,
    invoiceGracePeriodDays: grace === undefined ? customer.invoiceGracePeriodDays : grace,
  };
}

/** Creates a customer, or updates the one with this external_id: Lago's create is an upsert. */
export async function upsertCustomer(
  store: CatalogStore,
  organizationId: string,
  input: CustomerInput,
  now: string,
): Promise<Customer> {
  const existing = await store.getCustomer(organizationId, input.external_id);
  if (existing) {
    const updated = applyInput(existing, input);
    await store.updateCustomer(updated);
    return updated;
  }
  const customer = applyInput(
    {
      id: randomUUID(),
      organizationId,
      externalId: input.external_id,
      sequentialId: await store.nextSequence(organizationId, "customer"),
      name: null,
      email: null,
      currency: null,
      timezone: null,
      invoiceGracePeriodDays: null,
      createdAt: now,
    },
    input,
  );
  try {
    await store.createCustomer(customer);
    return customer;
  } catch (error) {
    // Another request created it in between: this one becomes the update.
    if (error instanceof AlreadyExistsError) return upsertCustomer(store, organizationId, input, now);
    throw error;
  }
}

export async function createCustomer(request: ApiRequest, store: CatalogStore): Promise<HttpResponse> {
  const input = parseOrReject(customerInput, rootParam(request.body, "customer"));
  const customer = await upsertCustomer(store, request.organization.id, input, request.receivedAt);
  return ok({ customer: serializeCustomer(customer, request.organization) });
}

export async function getCustomer(request: ApiRequest, store: CatalogStore): Promise<HttpResponse> {
  const customer = await store.getCustomer(
    request.organization.id,
    request.params.external_customer_id ?? "",
  );
  if (!customer) throw notFound("customer");
  return ok({ customer: serializeCustomer(customer, request.organization) });
}

export async function listCustomers(request: ApiRequest, store: CatalogStore): Promise<HttpResponse> {
  const customers = (await store.listCustomers(request.organization.id)).sort(newestFirst);
  const { items, meta } = paginate(customers, pageOf(request.query));
  return ok({ customers: items.map((customer) => serializeCustomer(customer, request.organization)), meta });
}
