import type { Organization, Tax, WebhookEndpoint } from "#shared/domain/catalog.js";
import { serializeLegalDetails } from "../shared-schemas.js";
import { serializeTax } from "../taxes/serialize.js";

export function serializeOrganization(
  organization: Organization,
  related: { webhookEndpoints: readonly WebhookEndpoint[]; taxes: readonly Tax[] },
) {
  const urls = [...related.webhookEndpoints]
    .sort((a, b) => a.createdAt.localeCompare(b.createdAt))
    .map((endpoint) => endpoint.webhookUrl);
  return {
    lago_id: organization.id,
    name: organization.name,
    created_at: organization.createdAt,
    webhook_url: urls[0] ?? null,
    webhook_urls: urls,
    ...serializeLegalDetails(organization),
    default_currency: organization.defaultCurrency,
    timezone: organization.timezone,
    net_payment_term: organization.netPaymentTermDays,
    document_numbering: organization.documentNumbering,
    document_number_prefix: organization.documentNumberPrefix,
    email_settings: [],
    finalize_zero_amount_invoice: true,
    billing_configuration: {
      invoice_grace_period: organization.invoiceGracePeriodDays,
      invoice_footer: null,
      document_locale: "en",
    },
    taxes: related.taxes.filter((tax) => tax.appliedToOrganization).map(serializeTax),
  };
}
