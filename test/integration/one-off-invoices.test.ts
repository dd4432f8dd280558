/**
 * One-off invoices (`POST /invoices`) on moto, through the catalog's and invoicing's API handlers:
 * add-on fees priced and taxed as Lago does, the invoice finalized and numbered at once, listed
 * by `invoice_type=one_off`, and `invoice.one_off_created` published once; bad input is a 4xx
 * that stores nothing; another organization's customer or add-on is a 404.
 */
import { describe, expect, it } from "vitest";
import { createOrganization } from "../../services/catalog/src/organizations/create-organization.js";
import { createOneOffInvoice } from "../../services/invoicing/src/invoices/create-one-off-invoice.js";
import { InvoiceStore } from "../../services/invoicing/src/store/invoice-store.js";
import { OrganizationStore } from "../../shared/src/store/organization-store.js";
import { billingDeps } from "../support/invoicing.js";
import { catalogAt, clockRun, invoicing, paymentsHarness } from "../support/payments.js";
import { scanTables } from "../support/stored-state.js";

const AT = "2026-03-10T23:30:00.000Z";
const { eventsOf } = paymentsHarness();
const catalog = catalogAt(AT);

/** An organization with a 20% tax, a 500.00 EUR setup fee taxed by it, and an untaxed training. */
async function organization(name: string) {
  const { organization, apiKey } = await createOrganization(new OrganizationStore(), { name, now: AT });
  await catalog(apiKey, "POST /api/v1/taxes", { tax: { name: "VAT", code: "vat_20", rate: "20" } });
  await catalog(apiKey, "POST /api/v1/taxes", { tax: { name: "Reduced", code: "vat_5_5", rate: "5.5" } });
  await catalog(apiKey, "POST /api/v1/add_ons", {
    add_on: {
      name: "Setup fee",
      code: "setup",
      amount_cents: 50_000,
      amount_currency: "EUR",
      description: "Onboarding",
      tax_codes: ["vat_20"],
    },
  });
  await catalog(apiKey, "POST /api/v1/add_ons", {
    add_on: { name: "Training", code: "training", amount_cents: 12_000, amount_currency: "EUR" },
  });
  await catalog(apiKey, "POST /api/v1/customers", {
    customer: { external_id: "cus_eur", name: "Eur", currency: "EUR", timezone: "Europe/Paris" },
  });
  return { organizationId: organization.id, apiKey };
}

const create = (apiKey: string, invoice: unknown) =>
  invoicing("POST /api/v1/invoices", { apiKey, body: { invoice }, at: AT });

describe("one-off invoices", () => {
  it("bills add-ons at once, numbered, taxed per fee, listed and published once", async () => {
    const { apiKey, organizationId } = await organization("One-off");
    const answer = await create(apiKey, {
      external_customer_id: "cus_eur",
      currency: "EUR",
      fees: [
        { add_on_code: "setup" },
        {
          add_on_code: "training",
          units: "2.5",
          unit_amount_cents: 333,
          tax_codes: ["vat_5_5"],
          description: "Day 1",
        },
      ],
    });
    expect(answer.status, JSON.stringify(answer.body)).toBe(200);
    const invoice = answer.body.invoice as Record<string, unknown> & {
      lago_id: string;
      fees: Record<string, unknown>[];
    };
    // 500.00 + 20% = 600.00; 2.5 × 3.33 = 8.325 → 8.33 (833 cents) + 5.5% (45.815 → 46 cents).
    expect(invoice).toMatchObject({
      invoice_type: "one_off",
      status: "finalized",
      payment_status: "pending",
      currency: "EUR",
      sequential_id: 1,
      // The customer's local date (Paris, 00:30 on March 11).
      issuing_date: "2026-03-11",
      fees_amount_cents: 50_833,
      taxes_amount_cents: 10_046,
      total_amount_cents: 60_879,
      subscriptions: [],
      billing_periods: [],
      customer: expect.objectContaining({ external_id: "cus_eur" }),
    });
    expect(String(invoice.number)).toMatch(/-001-001$/);
    expect(invoice.fees).toHaveLength(2);
    expect(invoice.fees[0]).toMatchObject({
      amount_cents: 50_000,
      taxes_amount_cents: 10_000,
      units: "1.0",
      precise_unit_amount: "500.0",
      description: "Onboarding",
      lago_subscription_id: null,
      external_subscription_id: null,
      item: { type: "add_on", code: "setup", name: "Setup fee", item_type: "AddOn" },
    });
    expect(invoice.fees[1]).toMatchObject({
      amount_cents: 833,
      taxes_amount_cents: 46,
      units: "2.5",
      precise_unit_amount: "3.33",
      description: "Day 1",
      item: { type: "add_on", code: "training", item_type: "AddOn" },
    });
    expect(invoice.applied_taxes).toEqual([
      expect.objectContaining({ tax_code: "vat_20", fees_amount_cents: 50_000, amount_cents: 10_000 }),
      expect.objectContaining({ tax_code: "vat_5_5", fees_amount_cents: 833, amount_cents: 46 }),
    ]);

    const shown = await invoicing("GET /api/v1/invoices/{lago_id}", {
      apiKey,
      params: { lago_id: invoice.lago_id },
      at: AT,
    });
    expect(shown.body.invoice).toEqual(invoice);

    const oneOffs = await invoicing("GET /api/v1/invoices", {
      apiKey,
      query: "invoice_type=one_off",
      at: AT,
    });
    expect((oneOffs.body.invoices as { lago_id: string }[]).map((listed) => listed.lago_id)).toEqual([
      invoice.lago_id,
    ]);
    const subscriptionOnes = await invoicing("GET /api/v1/invoices", {
      apiKey,
      query: "invoice_type=subscription",
      at: AT,
    });
    expect(subscriptionOnes.body.invoices).toEqual([]);

    const addOnFees = await invoicing("GET /api/v1/fees", { apiKey, query: "fee_type=add_on", at: AT });
    expect((addOnFees.body.fees as { item: { code: string } }[]).map((fee) => fee.item.code).sort()).toEqual([
      "setup",
      "training",
    ]);

    // Published once, with the invoice as the API shows it; a clock run (before it is overdue) publishes nothing more.
    await clockRun("2026-03-11T12:00:00.000Z");
    const events = await eventsOf(invoice.lago_id);
    expect(events.map((event) => event.type)).toEqual(["invoice.one_off_created"]);
    expect(events[0]?.detail.invoice).toMatchObject({ total_amount_cents: 60_879, invoice_type: "one_off" });
    const stored = await new InvoiceStore().get(organizationId, invoice.lago_id);
    expect(stored?.pendingEvents ?? new Set()).toEqual(new Set());

    // The next one takes the next number of the customer's sequence.
    const second = await create(apiKey, {
      external_customer_id: "cus_eur",
      fees: [{ add_on_code: "training" }],
    });
    expect(second.body.invoice).toMatchObject({
      sequential_id: 2,
      total_amount_cents: 12_000,
      currency: "EUR",
    });
  });

  it("publishes an invoice whose call stopped after saving it at the billing clock's next run, once", async () => {
    const { apiKey, organizationId } = await organization("One-off crash");
    const organizationRecord = await new OrganizationStore().get(organizationId);
    if (!organizationRecord) throw new Error("no organization");
    const failing = {
      ...billingDeps(),
      publish: async () => {
        throw new Error("the function stopped before publishing");
      },
      // Its publication lease taken at the epoch: long run out when the billing clock comes.
      clock: () => 0,
    };
    await expect(
      createOneOffInvoice(failing, {
        organization: organizationRecord,
        externalCustomerId: "cus_eur",
        currency: null,
        fees: [
          {
            addOnCode: "training",
            units: null,
            unitAmountCents: null,
            description: null,
            invoiceDisplayName: null,
            taxCodes: null,
          },
        ],
        now: AT,
      }),
    ).rejects.toThrow("stopped before publishing");
    const [saved] = await new InvoiceStore().list(organizationId);
    expect(saved).toMatchObject({ invoiceType: "one_off", status: "finalized", totalAmountCents: 12_000 });
    const id = saved?.id ?? "";
    await clockRun("2026-03-11T12:00:00.000Z");
    await clockRun("2026-03-11T12:15:00.000Z");
    expect((await eventsOf(id)).map((event) => event.type)).toEqual(["invoice.one_off_created"]);
    const listed = await invoicing("GET /api/v1/invoices", { apiKey, query: "invoice_type=one_off", at: AT });
    expect((listed.body.invoices as { lago_id: string }[]).map((invoice) => invoice.lago_id)).toEqual([id]);
  });

  it("refuses bad input in Lago's shape and stores nothing", async () => {
    const { apiKey } = await organization("One-off refusals");
    const before = await scanTables();
    const refused = async (invoice: unknown) => {
      const answer = await create(apiKey, invoice);
      expect(answer.status).toBeGreaterThanOrEqual(400);
      expect(answer.status).toBeLessThan(500);
      return answer;
    };
    const notFound = (code: string) => ({ status: 404, body: { status: 404, error: "Not Found", code } });
    expect(await refused({ external_customer_id: "nobody", fees: [{ add_on_code: "setup" }] })).toEqual(
      notFound("customer_not_found"),
    );
    expect(await refused({ external_customer_id: "cus_eur", fees: [{ add_on_code: "nope" }] })).toEqual(
      notFound("add_on_not_found"),
    );
    expect(await refused({ external_customer_id: "cus_eur", fees: [] })).toEqual(notFound("fees_not_found"));
    expect(
      await refused({
        external_customer_id: "cus_eur",
        fees: [{ add_on_code: "setup", tax_codes: ["nope"] }],
      }),
    ).toEqual(notFound("tax_not_found"));
    const mismatch = await refused({
      external_customer_id: "cus_eur",
      currency: "USD",
      fees: [{ add_on_code: "setup" }],
    });
    expect(mismatch.body).toMatchObject({
      status: 422,
      error_details: { currency: ["currencies_does_not_match"] },
    });
    const bad = await refused({
      external_customer_id: "cus_eur",
      currency: "ZZZ",
      fees: [{ add_on_code: "setup", units: "-1", unit_amount_cents: 1.5 }],
    });
    expect(bad.status).toBe(422);
    const tooMuch = await refused({
      external_customer_id: "cus_eur",
      fees: [{ add_on_code: "setup", units: "1000000000000", unit_amount_cents: 9_000_000_000_000 }],
    });
    expect(tooMuch.body).toMatchObject({ status: 422, error_details: { fees: ["value_is_out_of_range"] } });
    expect((await refused(null)).status).toBe(400);
    expect(await scanTables()).toEqual(before);
  });

  it("never bills another organization's customer or add-on", async () => {
    const mine = await organization("Mine");
    const theirs = await organization("Theirs");
    await catalog(theirs.apiKey, "POST /api/v1/customers", {
      customer: { external_id: "theirs_only", name: "T" },
    });
    await catalog(theirs.apiKey, "POST /api/v1/add_ons", {
      add_on: { name: "Secret", code: "secret", amount_cents: 1, amount_currency: "EUR" },
    });
    const before = await scanTables();
    const customer = await create(mine.apiKey, {
      external_customer_id: "theirs_only",
      fees: [{ add_on_code: "setup" }],
    });
    expect(customer.body).toMatchObject({ code: "customer_not_found" });
    const addOn = await create(mine.apiKey, {
      external_customer_id: "cus_eur",
      fees: [{ add_on_code: "secret" }],
    });
    expect(addOn.body).toMatchObject({ code: "add_on_not_found" });
    expect(await scanTables()).toEqual(before);
  });
});
