import type { Organization } from "#shared/domain/catalog.js";

export function serializeOrganization(organization: Organization) {
  return {
    lago_id: organization.id,
    name: organization.name,
    created_at: organization.createdAt,
    default_currency: organization.defaultCurrency,
    timezone: organization.timezone,
    net_payment_term: organization.netPaymentTermDays,
    document_numbering: organization.documentNumbering,
    document_number_prefix: organization.documentNumberPrefix,
    billing_configuration: { invoice_grace_period: organization.invoiceGracePeriodDays },
  };
}
