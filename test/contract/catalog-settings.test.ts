/**
 * Organization settings, webhook endpoints and taxes through lago-javascript-client, errors and
 * organization isolation included.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { LocalRuntime } from "../../infra/local/runtime.js";
import {
  type Lago,
  lagoError,
  notFoundError,
  startContractRuntime,
  validationError,
} from "../support/lago.js";

let runtime: LocalRuntime;
let lago: Lago;
let stranger: Lago;

beforeAll(async () => {
  ({ runtime, lago, stranger } = await startContractRuntime());
});
afterAll(() => runtime?.stop());

describe("organization", () => {
  it("reads and updates settings, refusing an unknown timezone without changing anything", async () => {
    const before = (await lago.organizations.findOrganization()).data.organization;
    expect(before).toMatchObject({ name: "Default", timezone: "UTC", document_numbering: "per_customer" });

    expect(
      await lagoError(
        lago.organizations.updateOrganization({ organization: { timezone: "Mars/Olympus" as never } }),
      ),
    ).toEqual(validationError({ timezone: ["invalid_timezone"] }));
    expect((await lago.organizations.findOrganization()).data.organization.timezone).toBe("UTC");

    const updated = await lago.organizations.updateOrganization({
      organization: {
        timezone: "Europe/Paris",
        default_currency: "EUR",
        net_payment_term: 30,
        document_numbering: "per_organization",
        document_number_prefix: "ACME",
        email: "billing@acme.test",
        country: "FR",
        billing_configuration: { invoice_grace_period: 3 },
      },
    });
    expect(updated.data.organization).toMatchObject({
      timezone: "Europe/Paris",
      default_currency: "EUR",
      net_payment_term: 30,
      document_numbering: "per_organization",
      document_number_prefix: "ACME",
      email: "billing@acme.test",
      country: "FR",
      billing_configuration: expect.objectContaining({ invoice_grace_period: 3 }),
    });
    expect((await lago.organizations.findOrganization()).data.organization.timezone).toBe("Europe/Paris");
    expect(
      await lagoError(
        lago.organizations.updateOrganization({
          organization: { billing_configuration: { invoice_grace_period: -1 } },
        }),
      ),
    ).toMatchObject({ status: 422 });
  });

  it("adds Lago's legacy webhook_url as an endpoint", async () => {
    const updated = await lago.organizations.updateOrganization({
      organization: { webhook_url: "https://hooks.acme.test/legacy" },
    });
    expect(updated.data.organization.webhook_urls).toContain("https://hooks.acme.test/legacy");
    const endpoints = (await lago.webhookEndpoints.findAllWebhookEndpoints()).data.webhook_endpoints;
    expect(endpoints.map((endpoint) => endpoint.webhook_url)).toContain("https://hooks.acme.test/legacy");
  });
});

describe("webhook endpoints", () => {
  it("creates, reads, updates and deletes endpoints, hmac or jwt", async () => {
    const created = await lago.webhookEndpoints.createWebhookEndpoint({
      webhook_endpoint: { webhook_url: "https://hooks.acme.test/a", signature_algo: "hmac" },
    });
    const endpoint = created.data.webhook_endpoint;
    expect(endpoint).toMatchObject({ webhook_url: "https://hooks.acme.test/a", signature_algo: "hmac" });
    expect(
      (await lago.webhookEndpoints.findWebhookEndpoint(endpoint.lago_id)).data.webhook_endpoint.lago_id,
    ).toBe(endpoint.lago_id);
    const updated = await lago.webhookEndpoints.updateWebhookEndpoint(endpoint.lago_id, {
      webhook_endpoint: { webhook_url: "https://hooks.acme.test/b", signature_algo: "jwt" },
    });
    expect(updated.data.webhook_endpoint).toMatchObject({
      webhook_url: "https://hooks.acme.test/b",
      signature_algo: "jwt",
    });
    expect(await lagoError(stranger.webhookEndpoints.findWebhookEndpoint(endpoint.lago_id))).toEqual(
      notFoundError("webhook_endpoint"),
    );
    await lago.webhookEndpoints.destroyWebhookEndpoint(endpoint.lago_id);
    expect(await lagoError(lago.webhookEndpoints.findWebhookEndpoint(endpoint.lago_id))).toEqual(
      notFoundError("webhook_endpoint"),
    );
  });

  it("refuses a bad or repeated URL, and more than ten endpoints", async () => {
    expect(
      await lagoError(
        lago.webhookEndpoints.createWebhookEndpoint({ webhook_endpoint: { webhook_url: "not a url" } }),
      ),
    ).toEqual(validationError({ webhook_url: ["url_is_invalid"] }));
    await lago.webhookEndpoints.createWebhookEndpoint({
      webhook_endpoint: { webhook_url: "https://hooks.acme.test/c" },
    });
    expect(
      await lagoError(
        lago.webhookEndpoints.createWebhookEndpoint({
          webhook_endpoint: { webhook_url: "https://hooks.acme.test/c" },
        }),
      ),
    ).toEqual(validationError({ webhook_url: ["value_already_exist"] }));
    const existing = (await lago.webhookEndpoints.findAllWebhookEndpoints()).data.webhook_endpoints.length;
    for (let i = existing; i < 10; i++) {
      await lago.webhookEndpoints.createWebhookEndpoint({
        webhook_endpoint: { webhook_url: `https://hooks.acme.test/n${i}` },
      });
    }
    expect(
      await lagoError(
        lago.webhookEndpoints.createWebhookEndpoint({
          webhook_endpoint: { webhook_url: "https://hooks.acme.test/11" },
        }),
      ),
    ).toEqual(validationError({ base: ["exceeded_limit"] }));
    const page = await lago.webhookEndpoints.findAllWebhookEndpoints({ page: 2, per_page: 4 });
    expect(page.data.meta).toMatchObject({ current_page: 2, total_count: 10, total_pages: 3 });
  });
});

describe("taxes", () => {
  it("creates, lists, updates and deletes taxes by code", async () => {
    const created = await lago.taxes.createTax({
      tax: { name: "VAT", code: "vat_fr", rate: "20", applied_to_organization: true },
    });
    expect(created.data.tax).toMatchObject({ code: "vat_fr", rate: 20, applied_to_organization: true });
    expect(
      (await lago.organizations.findOrganization()).data.organization.taxes?.map((tax) => tax.code),
    ).toEqual(["vat_fr"]);
    const updated = await lago.taxes.updateTax("vat_fr", { tax: { rate: "5.5", name: "Reduced VAT" } });
    expect(updated.data.tax).toMatchObject({ rate: 5.5, name: "Reduced VAT" });
    await lago.taxes.createTax({ tax: { name: "Sales tax", code: "sales", rate: "8.875" } });
    const list = await lago.taxes.findAllTaxes({ per_page: 1 });
    expect(list.data.meta).toMatchObject({ total_count: 2, total_pages: 2, next_page: 2 });
    await lago.taxes.destroyTax("sales");
    expect(await lagoError(lago.taxes.findTax("sales"))).toEqual(notFoundError("tax"));
  });

  it("refuses a repeated code and a rate outside 0–100, changing nothing", async () => {
    expect(
      await lagoError(lago.taxes.createTax({ tax: { name: "Again", code: "vat_fr", rate: "1" } })),
    ).toEqual(validationError({ code: ["value_already_exist"] }));
    expect(
      await lagoError(lago.taxes.createTax({ tax: { name: "Too much", code: "big", rate: "120" } })),
    ).toEqual(validationError({ rate: ["invalid_rate"] }));
    expect(await lagoError(lago.taxes.findTax("big"))).toEqual(notFoundError("tax"));
    expect((await lago.taxes.findTax("vat_fr")).data.tax.rate).toBe(5.5);
    expect(await lagoError(stranger.taxes.findTax("vat_fr"))).toEqual(notFoundError("tax"));
  });

  it("removes a deleted tax from the customers it applied to", async () => {
    await lago.taxes.createTax({ tax: { name: "Local", code: "local", rate: "2" } });
    await lago.customers.createCustomer({
      customer: { external_id: "taxed", tax_codes: ["local", "vat_fr"] },
    });
    expect(
      (await lago.customers.findCustomer("taxed")).data.customer.taxes?.map((tax) => tax.code).sort(),
    ).toEqual(["local", "vat_fr"]);
    await lago.taxes.destroyTax("local");
    expect((await lago.customers.findCustomer("taxed")).data.customer.taxes?.map((tax) => tax.code)).toEqual([
      "vat_fr",
    ]);
    expect(
      await lagoError(
        lago.customers.createCustomer({ customer: { external_id: "taxed", tax_codes: ["nope"] } }),
      ),
    ).toEqual(notFoundError("tax"));
  });
});
