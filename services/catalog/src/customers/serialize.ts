import { applicableTimezone, type Customer, type Organization } from "#shared/domain/catalog.js";

export function serializeCustomer(customer: Customer, organization: Pick<Organization, "timezone">) {
  return {
    lago_id: customer.id,
    sequential_id: customer.sequentialId,
    slug: null,
    external_id: customer.externalId,
    name: customer.name,
    email: customer.email,
    currency: customer.currency,
    timezone: customer.timezone,
    applicable_timezone: applicableTimezone(customer, organization),
    created_at: customer.createdAt,
    billing_configuration: { invoice_grace_period: customer.invoiceGracePeriodDays },
    metadata: [],
    taxes: [],
  };
}
