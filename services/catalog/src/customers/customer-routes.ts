import type { Customer, Organization } from "#shared/domain/catalog.js";
import { type ApiRequest, rootParam } from "#shared/platform/http/api-handler.js";
import { notFound } from "#shared/platform/http/errors.js";
import { pageOf, paginate } from "#shared/platform/http/pagination.js";
import { type HttpResponse, ok } from "#shared/platform/http/responses.js";
import { parseOrReject } from "#shared/platform/http/validation.js";
import type { CatalogDeps } from "../catalog-deps.js";
import { newestFirst } from "../shared-schemas.js";
import { customerInput } from "./customer-input.js";
import { deleteCustomer as remove } from "./delete-customer.js";
import { serializeCustomer } from "./serialize.js";
import { upsertCustomer } from "./upsert-customer.js";

async function organizationOf(request: ApiRequest, deps: CatalogDeps): Promise<Organization> {
  return (await deps.organizations.get(request.organization.id)) ?? request.organization;
}

async function present(request: ApiRequest, deps: CatalogDeps, customers: readonly Customer[]) {
  const [organization, taxes] = await Promise.all([
    organizationOf(request, deps),
    customers.some((customer) => customer.taxCodes.length > 0)
      ? deps.catalog.listTaxes(request.organization.id)
      : [],
  ]);
  return customers.map((customer) => serializeCustomer(customer, organization, taxes));
}

export async function createCustomer(request: ApiRequest, deps: CatalogDeps): Promise<HttpResponse> {
  const input = parseOrReject(customerInput, rootParam(request.body, "customer"));
  const customer = await upsertCustomer(deps, await organizationOf(request, deps), input, request.receivedAt);
  return ok({ customer: (await present(request, deps, [customer]))[0] });
}

async function existing(request: ApiRequest, deps: CatalogDeps): Promise<Customer> {
  const customer = await deps.catalog.getCustomer(
    request.organization.id,
    request.params.external_customer_id ?? "",
  );
  if (!customer) throw notFound("customer");
  return customer;
}

export async function getCustomer(request: ApiRequest, deps: CatalogDeps): Promise<HttpResponse> {
  return ok({ customer: (await present(request, deps, [await existing(request, deps)]))[0] });
}

/** DELETE /customers/{external_customer_id}: its subscriptions end (and are billed), then it goes. */
export async function deleteCustomer(request: ApiRequest, deps: CatalogDeps): Promise<HttpResponse> {
  const customer = await existing(request, deps);
  await remove(deps, customer, request.receivedAt);
  return ok({ customer: (await present(request, deps, [customer]))[0] });
}

/** GET /customers, newest first; `search_term` matches name, external id, email or legal name. */
export async function listCustomers(request: ApiRequest, deps: CatalogDeps): Promise<HttpResponse> {
  const term = request.query.get("search_term")?.toLowerCase();
  const customers = (await deps.catalog.listCustomers(request.organization.id))
    .filter(
      (customer) =>
        !term ||
        [
          customer.name,
          customer.externalId,
          customer.email,
          customer.legalName,
          customer.firstname,
          customer.lastname,
        ].some((field) => field?.toLowerCase().includes(term)),
    )
    .sort(newestFirst);
  const { items, meta } = paginate(customers, pageOf(request.query));
  return ok({ customers: await present(request, deps, items), meta });
}
