import { randomUUID } from "node:crypto";
import {
  type Customer,
  type CustomerMetadata,
  EMPTY_LEGAL_DETAILS,
  type Organization,
} from "#shared/domain/catalog.js";
import { paymentProviderAfter } from "#shared/domain/payments/customer-payment-provider.js";
import { asksForProviderCustomer } from "#shared/domain/payments/provider-customer.js";
import { invalid, notFound } from "#shared/platform/http/errors.js";
import type { CustomerOrganization } from "#shared/serializers/customer.js";
import type { CatalogStore, CatalogWrite, OwedProviderCustomer } from "#shared/store/catalog-store.js";
import type { CatalogDeps } from "../catalog-deps.js";
import { customerEvent } from "../events/catalog-events.js";
import { publishAfterChange } from "../events/publish-owed-events.js";
import { sendAfterChange } from "../provider-customers/send-owed-provider-customers.js";
import { applyLegalDetails, patch } from "../shared-schemas.js";
import { requireTaxes } from "../taxes/require-taxes.js";
import type { CustomerInput } from "./customer-input.js";

/** Metadata entries are replaced by the list sent; an entry keeps its id when its key stays. */
function mergeMetadata(
  current: readonly CustomerMetadata[],
  sent: CustomerInput["metadata"],
): readonly CustomerMetadata[] {
  if (sent === undefined) return current;
  return sent.map((entry) => ({
    id: entry.id ?? current.find((existing) => existing.key === entry.key)?.id ?? randomUUID(),
    key: entry.key,
    value: entry.value,
    displayInInvoice: entry.display_in_invoice ?? false,
  }));
}

function applyInput(customer: Customer, input: Partial<CustomerInput>, now: string): Customer {
  const billing = input.billing_configuration;
  return applyLegalDetails(
    {
      ...customer,
      name: patch(input.name, customer.name) ?? null,
      firstname: patch(input.firstname, customer.firstname) ?? null,
      lastname: patch(input.lastname, customer.lastname) ?? null,
      customerType: patch(input.customer_type, customer.customerType) ?? null,
      phone: patch(input.phone, customer.phone) ?? null,
      url: patch(input.url, customer.url) ?? null,
      currency: patch(input.currency, customer.currency) ?? null,
      timezone: patch(input.timezone, customer.timezone) ?? null,
      netPaymentTermDays: patch(input.net_payment_term, customer.netPaymentTermDays) ?? null,
      invoiceGracePeriodDays: patch(billing?.invoice_grace_period, customer.invoiceGracePeriodDays) ?? null,
      documentLocale: patch(billing?.document_locale, customer.documentLocale) ?? null,
      taxCodes: input.tax_codes ? [...new Set(input.tax_codes)] : customer.taxCodes,
      metadata: mergeMetadata(customer.metadata, input.metadata),
      updatedAt: now,
    },
    input,
  );
}

/**
 * `customer` with its payment provider as `input` leaves it (a 422 for a provider or payment
 * method Lago refuses, Lago's 404 `payment_provider_not_found` for a provider with no connection
 * here): checked before anything is written.
 */
function withPaymentProvider(customer: Customer, input: Partial<CustomerInput>): Customer {
  const change = paymentProviderAfter(customer.paymentProvider ?? null, input.billing_configuration);
  if (change.kind === "invalid") throw invalid(change.field, change.code);
  if (change.kind === "not_found") throw notFound("payment_provider");
  const { paymentProvider: _previous, ...rest } = customer;
  return change.provider ? { ...rest, paymentProvider: change.provider } : rest;
}

/** A customer with nothing but its identity, as Lago creates one for a subscription. */
export function newCustomer(
  organizationId: string,
  externalId: string,
  sequentialId: number,
  now: string,
): Customer {
  return {
    ...EMPTY_LEGAL_DETAILS,
    id: randomUUID(),
    organizationId,
    externalId,
    sequentialId,
    name: null,
    firstname: null,
    lastname: null,
    customerType: null,
    phone: null,
    url: null,
    currency: null,
    timezone: null,
    invoiceGracePeriodDays: null,
    netPaymentTermDays: null,
    documentLocale: null,
    taxCodes: [],
    metadata: [],
    createdAt: now,
    updatedAt: now,
  };
}

/**
 * The change of a customer upsert (Lago's create is an upsert): the new or updated customer and
 * its writes, with every check made first. A customer's currency is fixed once it has a
 * subscription.
 */
export async function customerUpsert(
  store: CatalogStore,
  organizationId: string,
  input: Partial<CustomerInput> & { external_id: string },
  now: string,
): Promise<{ customer: Customer; writes: CatalogWrite[]; created: boolean }> {
  if (input.tax_codes?.length) await requireTaxes(store, organizationId, input.tax_codes);
  const existing = await store.getCustomer(organizationId, input.external_id);
  if (existing) {
    const updated = withPaymentProvider(applyInput(existing, input, now), input);
    if (updated.currency !== existing.currency && existing.currency) {
      const subscriptions = await store.listSubscriptions(organizationId);
      const bound = subscriptions.some(
        (s) => s.customerId === existing.id && (s.status === "active" || s.status === "pending"),
      );
      if (bound) throw invalid("currency", "currencies_does_not_match");
    }
    return { customer: updated, writes: [store.customerReplacement(updated)], created: false };
  }
  withPaymentProvider(newCustomer(organizationId, input.external_id, 0, now), input);
  // Everything is checked by now: the number is taken only for a change about to be written.
  const sequentialId = await store.takeSequence(organizationId, "customer");
  const customer = withPaymentProvider(
    applyInput(newCustomer(organizationId, input.external_id, sequentialId, now), input, now),
    input,
  );
  return { customer, writes: [store.customerInsertion(customer)], created: true };
}

/**
 * Creates a customer, or updates the one with this external_id, all or nothing, with the event it
 * owes in the same write: `customer.created`, or `customer.updated` for every upsert of an existing
 * one (as Lago sends it, changed or not). A request sending `sync_with_provider: true` that leaves
 * the customer a Stripe customer with no provider customer id also owes, in that write, its
 * creation at Stripe: asked once written, made off the request path
 * (`provider-customers/create-provider-customer.ts`).
 */
export async function upsertCustomer(
  deps: Pick<CatalogDeps, "catalog" | "publish" | "requestProviderCustomers">,
  organization: CustomerOrganization & Pick<Organization, "id">,
  input: Partial<CustomerInput> & { external_id: string },
  now: string,
): Promise<Customer> {
  const { customer, writes, created } = await customerUpsert(deps.catalog, organization.id, input, now);
  const owed = [
    customerEvent(created ? "customer.created" : "customer.updated", customer, organization, now),
  ];
  const providerCustomers: OwedProviderCustomer[] = asksForProviderCustomer(
    customer,
    input.billing_configuration,
  )
    ? [
        {
          organizationId: customer.organizationId,
          externalCustomerId: customer.externalId,
          customerId: customer.id,
          owedAt: now,
        },
      ]
    : [];
  await deps.catalog.write([
    ...writes,
    ...owed.map((event) => deps.catalog.owedEventInsertion(event)),
    ...providerCustomers.map((entry) => deps.catalog.providerCustomerOwedInsertion(entry)),
  ]);
  await publishAfterChange(deps, owed);
  await sendAfterChange(deps, providerCustomers);
  return customer;
}
