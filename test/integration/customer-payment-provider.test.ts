/**
 * A customer's payment provider (`billing_configuration.payment_provider` and its provider
 * customer) through the catalog's API handler against a real moto_server: stored, served as Lago
 * serializes it, and refused as Lago refuses it without anything changing.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { handler as catalogApi } from "../../services/catalog/src/handlers/api.js";
import { createOrganization } from "../../services/catalog/src/organizations/create-organization.js";
import { CatalogStore } from "../../shared/src/store/catalog-store.js";
import { OrganizationStore } from "../../shared/src/store/organization-store.js";
import { invoke } from "../support/api-events.js";
import { type AwsHarness, startAwsHarness } from "../support/aws-harness.js";

let aws: AwsHarness;
beforeAll(async () => {
  aws = await startAwsHarness();
});
afterAll(async () => {
  await aws.stop();
});

const at = "2026-06-01T10:00:00.000Z";

async function organization(name: string) {
  return createOrganization(new OrganizationStore(), { name, now: at });
}

const upsert = (apiKey: string, customer: unknown) =>
  invoke(catalogApi, "POST /api/v1/customers", { apiKey, body: { customer }, at });

describe("a customer's payment provider", () => {
  it("is stored with the customer and served as Lago serializes a Stripe customer", async () => {
    const { apiKey } = await organization("Stripe Customers");
    const created = await upsert(apiKey, {
      external_id: "c1",
      billing_configuration: {
        payment_provider: "stripe",
        provider_customer_id: "cus_123",
        sync_with_provider: true,
        invoice_grace_period: 2,
      },
    });
    expect(created.status, JSON.stringify(created.body)).toBe(200);
    const configuration = {
      invoice_grace_period: 2,
      payment_provider: "stripe",
      payment_provider_code: "stripe",
      provider_customer_id: "cus_123",
      provider_payment_methods: ["card"],
      document_locale: null,
      subscription_invoice_issuing_date_anchor: null,
      subscription_invoice_issuing_date_adjustment: null,
    };
    expect((created.body.customer as Record<string, unknown>).billing_configuration).toEqual(configuration);
    const shown = await invoke(catalogApi, "GET /api/v1/customers/{external_customer_id}", {
      apiKey,
      params: { external_customer_id: "c1" },
      at,
    });
    expect((shown.body.customer as Record<string, unknown>).billing_configuration).toEqual(configuration);

    // An update keeps what it does not send; payment methods are replaced when sent.
    const updated = await upsert(apiKey, {
      external_id: "c1",
      billing_configuration: { provider_payment_methods: ["card", "sepa_debit"] },
    });
    expect((updated.body.customer as Record<string, unknown>).billing_configuration).toEqual({
      ...configuration,
      provider_payment_methods: ["card", "sepa_debit"],
    });
    // A null provider removes it: the customer answers as one without a provider.
    const removed = await upsert(apiKey, {
      external_id: "c1",
      billing_configuration: { payment_provider: null },
    });
    expect((removed.body.customer as Record<string, unknown>).billing_configuration).toEqual({
      invoice_grace_period: 2,
      payment_provider: null,
      payment_provider_code: null,
      document_locale: null,
      subscription_invoice_issuing_date_anchor: null,
      subscription_invoice_issuing_date_adjustment: null,
    });
  });

  it("refuses an unknown provider (422), one with no connection here (404) and bad payment methods, changing nothing", async () => {
    const { apiKey, organization: org } = await organization("Refused Providers");
    expect(
      await upsert(apiKey, { external_id: "c1", billing_configuration: { payment_provider: "paypal" } }),
    ).toEqual({
      status: 422,
      body: {
        status: 422,
        error: "Unprocessable Entity",
        code: "validation_errors",
        error_details: { payment_provider: ["value_is_invalid"] },
      },
    });
    expect(
      await upsert(apiKey, { external_id: "c1", billing_configuration: { payment_provider: "gocardless" } }),
    ).toEqual({ status: 404, body: { status: 404, error: "Not Found", code: "payment_provider_not_found" } });
    expect(
      (
        await upsert(apiKey, {
          external_id: "c1",
          billing_configuration: { payment_provider: "stripe", provider_payment_methods: ["link"] },
        })
      ).body,
    ).toMatchObject({ status: 422, error_details: { provider_payment_methods: ["value_is_invalid"] } });
    expect(await new CatalogStore().getCustomer(org.id, "c1")).toBeUndefined();
    // The next customer still takes the first number: refusals took none.
    const first = await upsert(apiKey, { external_id: "c2" });
    expect((first.body.customer as Record<string, unknown>).sequential_id).toBe(1);
  });
});
