import type { OrganizationBillingConfiguration, OrganizationObject } from "lago-javascript-client";
import type { Organization, Tax, WebhookEndpoint } from "#shared/domain/catalog.js";
import { serializeLegalDetails } from "#shared/serializers/customer.js";
import {
  type Corrected,
  type LagoShape,
  lagoCurrency,
  lagoTimezone,
} from "#shared/serializers/lago-shape.js";
import { serializeTax } from "#shared/serializers/tax.js";

/** Lago sends the invoice footer's nil as null, which the client's type allows, and the rest as set. */
type OrganizationShape = Corrected<
  LagoShape<OrganizationObject>,
  { billing_configuration: LagoShape<OrganizationBillingConfiguration> }
>;

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
    // Lago draws a new organization's slug at random ("org-" and 8 hex digits); ours comes from its id.
    slug: `org-${organization.id.replace(/-/g, "").slice(0, 8)}`,
    created_at: organization.createdAt,
    // Lago sends the first endpoint's URL, or "" (a nil's `to_s`) when there is none.
    webhook_url: urls[0] ?? "",
    webhook_urls: urls,
    ...serializeLegalDetails(organization),
    default_currency: lagoCurrency(organization.defaultCurrency),
    timezone: lagoTimezone(organization.timezone),
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
    // Events are taken asynchronously and a repeated transaction id is ignored, as in Lago's
    // ClickHouse store, not refused as its Postgres store does.
    events_store: "clickhouse",
    // Our addition: the secret of `hmac` webhook signatures, which Lago shows on the current
    // organization of its UI's developer settings. Whoever holds the API key may read it, as
    // verifying webhooks needs it and no other route of the REST API gives it.
    hmac_key: organization.hmacKey,
  } satisfies OrganizationShape & { readonly hmac_key: string };
}
