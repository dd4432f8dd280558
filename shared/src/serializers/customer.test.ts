import { describe, expect, it } from "vitest";
import { serializeCustomer, serializeCustomerExtended } from "./customer.js";
import { customer, organization, vat } from "./test-fixtures.js";

describe("customer serializer", () => {
  it("shows the customer as Lago's customer serializer does, nils as null", () => {
    const shown = serializeCustomer(customer, organization);
    expect(shown).toMatchObject({
      lago_id: customer.id,
      billing_entity_code: "societe_generale_d_energie",
      external_id: "acme",
      sequential_id: 7,
      slug: "SOC-4A59-007",
      account_type: "customer",
      customer_type: "company",
      email: "billing@acme.test",
      country: "US",
      currency: "EUR",
      timezone: "America/New_York",
      applicable_timezone: "America/New_York",
      net_payment_term: null,
      finalize_zero_amount_invoice: "inherit",
      logo_url: null,
      integration_customers: [],
      shipping_address: { address_line1: null, country: null },
      metadata: [{ lago_id: "m1", key: "crm", value: "42", display_in_invoice: true }],
    });
    expect(shown.billing_configuration).toEqual({
      invoice_grace_period: null,
      payment_provider: null,
      payment_provider_code: null,
      document_locale: "fr",
      subscription_invoice_issuing_date_anchor: null,
      subscription_invoice_issuing_date_adjustment: null,
    });
    expect("taxes" in shown).toBe(false);
  });

  it("falls back on the organization's timezone", () => {
    const shown = serializeCustomer({ ...customer, timezone: null }, organization);
    expect([shown.timezone, shown.applicable_timezone]).toEqual([null, "Europe/Paris"]);
  });

  it("extends it with the taxes it names for the customers API", () => {
    const other = { ...vat, id: "other", code: "other" };
    const shown = serializeCustomerExtended(customer, organization, [vat, other]);
    expect(shown.taxes?.map((tax) => [tax.code, tax.rate])).toEqual([["vat", 20]]);
    expect([shown.applicable_invoice_custom_sections, shown.error_details]).toEqual([[], []]);
  });
});
