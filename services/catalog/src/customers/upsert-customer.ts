import { randomUUID } from "node:crypto";
import { type Customer, type CustomerMetadata, EMPTY_LEGAL_DETAILS } from "#shared/domain/catalog.js";
import { invalid } from "#shared/platform/http/errors.js";
import { AlreadyExistsError, type CatalogStore } from "#shared/store/catalog-store.js";
import { applyLegalDetails, patch } from "../shared-schemas.js";
import { requireTaxes } from "../taxes/tax-routes.js";
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
 * Creates a customer, or updates the one with this external_id: Lago's create is an upsert. A
 * customer's currency is fixed once it has a subscription.
 */
export async function upsertCustomer(
  store: CatalogStore,
  organizationId: string,
  input: Partial<CustomerInput> & { external_id: string },
  now: string,
): Promise<Customer> {
  if (input.tax_codes?.length) await requireTaxes(store, organizationId, input.tax_codes);
  const existing = await store.getCustomer(organizationId, input.external_id);
  if (existing) {
    const updated = applyInput(existing, input, now);
    if (updated.currency !== existing.currency && existing.currency) {
      const subscriptions = await store.listSubscriptions(organizationId);
      const bound = subscriptions.some(
        (s) => s.customerId === existing.id && (s.status === "active" || s.status === "pending"),
      );
      if (bound) throw invalid("currency", "currencies_does_not_match");
    }
    await store.updateCustomer(updated);
    return updated;
  }
  const customer = applyInput(
    {
      ...EMPTY_LEGAL_DETAILS,
      id: randomUUID(),
      organizationId,
      externalId: input.external_id,
      sequentialId: await store.nextSequence(organizationId, "customer"),
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
    },
    input,
    now,
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
