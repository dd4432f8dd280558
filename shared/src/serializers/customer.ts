import type {
  Address,
  CurrencyOrNull,
  CustomerBillingConfiguration,
  CustomerObject,
  CustomerObjectExtended,
  TimezoneOrNull,
} from "lago-javascript-client";
import {
  applicableTimezone,
  type Customer,
  type LegalDetails,
  type Organization,
  type Tax,
} from "#shared/domain/catalog.js";
import { billingEntityCode } from "./billing-entity.js";
import { type Corrected, type LagoShape, lagoCountry, lagoTimezone } from "./lago-shape.js";
import { serializeTax } from "./tax.js";

/** Contact and legal fields, as organizations and customers show them. */
export function serializeLegalDetails(details: LegalDetails) {
  return {
    email: details.email,
    legal_name: details.legalName,
    legal_number: details.legalNumber,
    tax_identification_number: details.taxIdentificationNumber,
    address_line1: details.addressLine1,
    address_line2: details.addressLine2,
    city: details.city,
    state: details.state,
    zipcode: details.zipcode,
    country: lagoCountry(details.country),
  };
}

/**
 * Lago sends the billing configuration's nils as null, which the client's type does not list.
 * A payment provider's own fields (`provider_customer_id`, `provider_payment_methods`) come only
 * with a provider, and `sync`, `sync_with_provider` are inputs: Lago never sends them back.
 */
type BillingConfigurationShape = LagoShape<
  CustomerBillingConfiguration,
  "provider_customer_id" | "provider_payment_methods" | "sync" | "sync_with_provider"
> &
  Partial<Pick<LagoShape<CustomerBillingConfiguration>, "provider_customer_id" | "provider_payment_methods">>;

/** Lago's `V1::CustomerSerializer#billing_configuration` of a customer's payment provider. */
function paymentProviderConfiguration(customer: Customer) {
  const provider = customer.paymentProvider;
  if (!provider) return { payment_provider: null, payment_provider_code: null };
  return {
    payment_provider: provider.provider,
    payment_provider_code: provider.code,
    provider_customer_id: provider.providerCustomerId,
    provider_payment_methods: [...provider.paymentMethods],
  };
}

type CustomerCorrections = {
  billing_configuration: BillingConfigurationShape;
  shipping_address: LagoShape<Address>;
};

export type CustomerShape = Corrected<LagoShape<CustomerObject>, CustomerCorrections>;
export type CustomerExtendedShape = Corrected<LagoShape<CustomerObjectExtended>, CustomerCorrections>;

/** What a customer's serialization needs of its organization (its default billing entity). */
export type CustomerOrganization = Pick<Organization, "name" | "timezone" | "documentNumberPrefix">;

/**
 * A customer as Lago embeds it in an invoice (`V1::CustomerSerializer` with its integration
 * customers). Integrations, invoice custom sections and shipping addresses are not part of this
 * product yet: they are sent empty.
 */
export function serializeCustomer(customer: Customer, organization: CustomerOrganization): CustomerShape {
  return {
    lago_id: customer.id,
    billing_entity_code: billingEntityCode(organization),
    sequential_id: customer.sequentialId,
    slug: `${organization.documentNumberPrefix}-${String(customer.sequentialId).padStart(3, "0")}`,
    external_id: customer.externalId,
    name: customer.name,
    firstname: customer.firstname,
    lastname: customer.lastname,
    customer_type: customer.customerType,
    account_type: "customer",
    phone: customer.phone,
    url: customer.url,
    logo_url: null,
    ...serializeLegalDetails(customer),
    currency: customer.currency as CurrencyOrNull | null,
    timezone: customer.timezone as TimezoneOrNull | null,
    applicable_timezone: lagoTimezone(applicableTimezone(customer, organization)),
    net_payment_term: customer.netPaymentTermDays,
    external_salesforce_id: null,
    // Lago's default: the organization's setting decides.
    finalize_zero_amount_invoice: "inherit",
    skip_invoice_custom_sections: false,
    created_at: customer.createdAt,
    updated_at: customer.updatedAt,
    billing_configuration: {
      invoice_grace_period: customer.invoiceGracePeriodDays,
      ...paymentProviderConfiguration(customer),
      document_locale: customer.documentLocale,
      subscription_invoice_issuing_date_anchor: null,
      subscription_invoice_issuing_date_adjustment: null,
    },
    shipping_address: {
      address_line1: null,
      address_line2: null,
      city: null,
      zipcode: null,
      state: null,
      country: null,
    },
    metadata: customer.metadata.map((entry) => ({
      lago_id: entry.id,
      key: entry.key,
      value: entry.value,
      display_in_invoice: entry.displayInInvoice,
      created_at: customer.createdAt,
    })),
    integration_customers: [],
  };
}

/**
 * A customer as the customers API shows it: with its taxes (of `taxes`, the organization's, those
 * the customer names), invoice custom sections and error details.
 */
export function serializeCustomerExtended(
  customer: Customer,
  organization: CustomerOrganization,
  taxes: readonly Tax[] = [],
): CustomerExtendedShape {
  return {
    ...serializeCustomer(customer, organization),
    taxes: taxes.filter((tax) => customer.taxCodes.includes(tax.code)).map(serializeTax),
    applicable_invoice_custom_sections: [],
    error_details: [],
  };
}
