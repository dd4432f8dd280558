/**
 * Add-ons and one-off invoices through lago-javascript-client: an add-on made, read, listed,
 * renamed and deleted; a one-off invoice of two add-on fees priced, taxed and numbered as Lago
 * does (amounts checked by hand below), listed by `invoice_type=one_off`; Lago's refusals.
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
import { scanTables } from "../support/stored-state.js";

let runtime: LocalRuntime;
let lago: Lago;
let stranger: Lago;

beforeAll(async () => {
  ({ runtime, lago, stranger } = await startContractRuntime());
  await lago.taxes.createTax({ tax: { name: "VAT", code: "vat_oneoff", rate: "20" } });
  await lago.customers.createCustomer({
    customer: { external_id: "cus_oneoff", name: "One-off buyer", currency: "EUR" },
  });
});
afterAll(() => runtime?.stop());

describe("add-ons and one-off invoices in Lago's shape", () => {
  it("makes, reads, lists, changes and deletes an add-on", async () => {
    const created = await lago.addOns.createAddOn({
      add_on: {
        name: "Workshop",
        code: "workshop",
        amount_cents: 20_000,
        amount_currency: "EUR",
        invoice_display_name: "Workshop (half day)",
        tax_codes: ["vat_oneoff"],
      },
    });
    expect(created.data.add_on).toMatchObject({
      code: "workshop",
      amount_cents: 20_000,
      amount_currency: "EUR",
      invoice_display_name: "Workshop (half day)",
      description: null,
      taxes: [expect.objectContaining({ code: "vat_oneoff", rate: 20 })],
    });
    expect((await lago.addOns.findAddOn("workshop")).data).toEqual(created.data);
    const listed = await lago.addOns.findAllAddOns();
    expect(listed.data.add_ons.map((addOn) => addOn.code)).toContain("workshop");
    const updated = await lago.addOns.updateAddOn("workshop", {
      add_on: { code: "workshop_full", amount_cents: 35_000 },
    });
    expect(updated.data.add_on).toMatchObject({
      lago_id: created.data.add_on.lago_id,
      code: "workshop_full",
    });
    expect(await lagoError(lago.addOns.findAddOn("workshop"))).toEqual(notFoundError("add_on"));
    expect(await lagoError(stranger.addOns.findAddOn("workshop_full"))).toEqual(notFoundError("add_on"));
    await lago.addOns.destroyAddOn("workshop_full");
    expect(await lagoError(lago.addOns.findAddOn("workshop_full"))).toEqual(notFoundError("add_on"));

    await lago.addOns.createAddOn({
      add_on: { name: "Taken", code: "taken", amount_cents: 1, amount_currency: "EUR" },
    });
    const before = await scanTables();
    expect(
      await lagoError(
        lago.addOns.createAddOn({
          add_on: { name: "Taken", code: "taken", amount_cents: 1, amount_currency: "EUR" },
        }),
      ),
    ).toEqual(validationError({ code: ["value_already_exist"] }));
    expect(await scanTables()).toEqual(before);
  });

  it("bills a one-off invoice of add-ons, finalized and numbered at once", async () => {
    await lago.addOns.createAddOn({
      add_on: {
        name: "Setup",
        code: "setup_oneoff",
        amount_cents: 12_345,
        amount_currency: "EUR",
        tax_codes: ["vat_oneoff"],
      },
    });
    await lago.addOns.createAddOn({
      add_on: { name: "Hours", code: "hours_oneoff", amount_cents: 7_500, amount_currency: "EUR" },
    });
    const answer = await lago.invoices.createInvoice({
      invoice: {
        external_customer_id: "cus_oneoff",
        currency: "EUR",
        fees: [
          { add_on_code: "setup_oneoff" },
          { add_on_code: "hours_oneoff", units: "1.25", unit_amount_cents: 9_999, tax_codes: ["vat_oneoff"] },
        ],
      },
    });
    const invoice = answer.data.invoice;
    // Setup: 123.45 EUR, 20% = 24.69. Hours: 1.25 × 99.99 = 124.9875 → 124.99 (12,499 cents),
    // 20% = 24.998 → 25.00. Fees 24,844; taxes 20% of 24,844 = 4,968.8 → 4,969; total 29,813.
    expect(invoice).toMatchObject({
      invoice_type: "one_off",
      status: "finalized",
      payment_status: "pending",
      currency: "EUR",
      sequential_id: 1,
      fees_amount_cents: 24_844,
      taxes_amount_cents: 4_969,
      total_amount_cents: 29_813,
      subscriptions: [],
    });
    expect(
      invoice.fees?.map((fee) => [
        fee.item.code,
        fee.item.type,
        fee.item.item_type,
        fee.amount_cents,
        fee.taxes_amount_cents,
      ]),
    ).toEqual([
      ["setup_oneoff", "add_on", "AddOn", 12_345, 2_469],
      ["hours_oneoff", "add_on", "AddOn", 12_499, 2_500],
    ]);
    expect((await lago.invoices.findInvoice(invoice.lago_id)).data.invoice).toEqual(invoice);
    const oneOffs = await lago.invoices.findAllInvoices({ invoice_type: "one_off" });
    expect(oneOffs.data.invoices.map((listed) => listed.lago_id)).toEqual([invoice.lago_id]);

    expect(
      await lagoError(
        lago.invoices.createInvoice({
          invoice: { external_customer_id: "cus_oneoff", fees: [{ add_on_code: "missing" }] },
        }),
      ),
    ).toEqual(notFoundError("add_on"));
    expect(
      await lagoError(
        lago.invoices.createInvoice({
          invoice: {
            external_customer_id: "cus_oneoff",
            currency: "USD",
            fees: [{ add_on_code: "setup_oneoff" }],
          },
        }),
      ),
    ).toEqual(validationError({ currency: ["currencies_does_not_match"] }));
    expect(
      await lagoError(
        stranger.invoices.createInvoice({
          invoice: { external_customer_id: "cus_oneoff", fees: [{ add_on_code: "setup_oneoff" }] },
        }),
      ),
    ).toEqual(notFoundError("customer"));
  });
});
