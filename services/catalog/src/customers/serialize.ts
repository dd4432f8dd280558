import { applicableTimezone, type Customer, type Organization, type Tax } from "#shared/domain/catalog.js";
import { serializeLegalDetails } from "../shared-schemas.js";
import { serializeTax } from "../taxes/serialize.js";

export function serializeCustomer(
  customer: Customer,
  organization: Pick<Organization, "timezone" | "documentNumberPrefix">,
  taxes: readonly Tax[] = [],
) {
  return {
    lago_id: customer.id,
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
    ...serializeLegalDetails(customer),
    currency: customer.currency,
    timezone: customer.timezone,
    applicable_timezone: applicableTimezone(customer, organization),
    net_payment_term: customer.netPaymentTermDays,
    created_at: customer.createdAt,
    updated_at: customer.updatedAt,
    billing_configuration: {
      invoice_grace_period: customer.invoiceGracePeriodDays,
      document_locale: customer.documentLocale,
    },
    metadata: customer.metadata.map((entry) => ({
      lago_id: entry.id,
      key: entry.key,
      value: entry.value,
      display_in_invoice: entry.displayInInvoice,
      created_at: customer.createdAt,
    })),
    taxes: taxes.filter((tax) => customer.taxCodes.includes(tax.code)).map(serializeTax),
  };
}
