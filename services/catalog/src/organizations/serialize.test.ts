import { describe, expect, it } from "vitest";
import type { WebhookEndpoint } from "#shared/domain/catalog.js";
import { organization, vat } from "#shared/serializers/test-fixtures.js";
import { serializeOrganization } from "./serialize.js";

const endpoint = (id: string, createdAt: string): WebhookEndpoint => ({
  id,
  organizationId: organization.id,
  webhookUrl: `https://hooks.test/${id}`,
  name: null,
  signatureAlgo: "jwt",
  eventTypes: null,
  createdAt,
});

describe("organization serializer", () => {
  it("shows the first endpoint's URL, or an empty string as Lago does without one", () => {
    const none = serializeOrganization(organization, { webhookEndpoints: [], taxes: [] });
    expect([none.webhook_url, none.webhook_urls]).toEqual(["", []]);
    const two = serializeOrganization(organization, {
      webhookEndpoints: [endpoint("b", "2026-01-02T00:00:00Z"), endpoint("a", "2026-01-01T00:00:00Z")],
      taxes: [],
    });
    expect([two.webhook_url, two.webhook_urls]).toEqual([
      "https://hooks.test/a",
      ["https://hooks.test/a", "https://hooks.test/b"],
    ]);
  });

  it("shows its settings, taxes applied to it, and Lago's fields it has no setting for", () => {
    const shown = serializeOrganization(organization, { webhookEndpoints: [], taxes: [vat] });
    expect(shown).toMatchObject({
      lago_id: organization.id,
      slug: "org-0b6f3a52",
      default_currency: "EUR",
      timezone: "Europe/Paris",
      net_payment_term: 30,
      document_numbering: "per_customer",
      document_number_prefix: "SOC-4A59",
      email_settings: [],
      finalize_zero_amount_invoice: true,
      billing_configuration: { invoice_grace_period: 3, invoice_footer: null, document_locale: "en" },
      events_store: "clickhouse",
      country: null,
      hmac_key: organization.hmacKey,
    });
    expect(shown.taxes.map((tax) => tax.code)).toEqual(["vat"]);
  });
});
