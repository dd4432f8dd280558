/**
 * `GET /fees` and `GET /fees/{lago_id}` against a real moto_server, through the deployed invoicing
 * API handler: fees of invoices seeded through InvoiceStore, Lago's filters, pagination across
 * invoices, refusals, and a fee found from the invoice part of its id.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { feeId } from "../../services/invoicing/src/fees/fee-ids.js";
import { handler as invoicingApi } from "../../services/invoicing/src/handlers/api.js";
import { InvoiceStore } from "../../services/invoicing/src/store/invoice-store.js";
import type { Invoice, InvoiceFee } from "../../shared/src/domain/invoice.js";
import { draftInvoice } from "../../shared/src/domain/invoices/test-invoice.js";
import { stableUuid } from "../../shared/src/platform/ids.js";
import { invoke } from "../support/api-events.js";
import { type AwsHarness, startAwsHarness } from "../support/aws-harness.js";
import { type SeededCatalog, seedCatalog } from "../support/catalog-fixture.js";

let aws: AwsHarness;
let seeded: SeededCatalog;
const AT = "2026-11-15T12:00:00Z";
const invoices = new Map<string, Invoice>();

function fee(invoiceId: string, kind: "subscription" | "charge", metric: string | null): InvoiceFee {
  return {
    id: feeId(invoiceId, kind, metric ?? ""),
    feeType: kind,
    chargeId: kind === "charge" ? `charge-${metric}` : null,
    chargeFilterId: null,
    groupedBy: null,
    billableMetricCode: metric,
    itemCode: metric ?? "pro",
    itemName: metric ?? "Pro",
    invoiceDisplayName: null,
    units: "3",
    eventsCount: 3,
    amountCents: 1000,
    preciseAmountCents: "1000",
    taxCodes: ["vat"],
    taxesAmountCents: 200,
    taxesRate: "20",
    preciseUnitAmount: "3.33",
    fromDatetime: "2026-07-01T00:00:00.000Z",
    toDatetime: "2026-07-31T23:59:59.999Z",
  };
}

function invoiceOf(name: string, fields: Partial<Invoice>, metrics: (string | null)[]): Invoice {
  const id = stableUuid("fees-test", seeded.organizationId, name);
  return {
    ...draftInvoice,
    id,
    organizationId: seeded.organizationId,
    externalCustomerId: seeded.externalCustomerId,
    subscriptionId: seeded.subscriptionId,
    externalSubscriptionId: seeded.externalSubscriptionId,
    currency: "EUR",
    fees: metrics.map((metric) => fee(id, metric === null ? "subscription" : "charge", metric)),
    appliedTaxes: [
      {
        taxId: "tax-vat",
        taxCode: "vat",
        taxName: "VAT",
        taxDescription: null,
        taxRate: "20",
        feesAmountCents: 1000 * metrics.length,
        amountCents: 200 * metrics.length,
      },
    ],
    ...fields,
  };
}

beforeAll(async () => {
  aws = await startAwsHarness();
  seeded = await seedCatalog({ subscriptionAt: "2026-01-01T00:00:00Z", at: "2026-01-01T00:00:00Z" });
  const seeds: [string, Partial<Invoice>, (string | null)[]][] = [
    ["jul", { status: "finalized", createdAt: "2026-08-01T07:00:00.000Z" }, [null, "api_calls", "storage"]],
    [
      "aug",
      { status: "finalized", paymentStatus: "succeeded", createdAt: "2026-09-01T07:00:00.000Z" },
      [null, "api_calls"],
    ],
    [
      "sep-draft",
      {
        status: "draft",
        createdAt: "2026-10-01T07:00:00.000Z",
        externalCustomerId: "globex",
        externalSubscriptionId: "globex-main",
        currency: "USD",
      },
      [null, "storage"],
    ],
    ["empty", { status: "voided", createdAt: "2026-10-02T07:00:00.000Z" }, []],
  ];
  const store = new InvoiceStore();
  for (const [name, fields, metrics] of seeds) {
    const invoice = invoiceOf(name, fields, metrics);
    invoices.set(name, invoice);
    await store.saveOnce(invoice, null);
  }
});
afterAll(async () => {
  await aws.stop();
});

/** `invoice:metric` (or `invoice:base`) of each fee an answer lists, in its order. */
function named(fees: { lago_id: string }[]): string[] {
  const names = new Map<string, string>();
  for (const [name, invoice] of invoices)
    for (const one of invoice.fees) names.set(one.id, `${name}:${one.billableMetricCode ?? "base"}`);
  return fees.map((one) => names.get(one.lago_id) ?? "?");
}

async function list(query: string) {
  return invoke(invoicingApi, "GET /api/v1/fees", { apiKey: seeded.apiKey, query, at: AT });
}

async function listed(query: string): Promise<string[]> {
  const answer = await list(query);
  expect(answer.status, JSON.stringify(answer.body)).toBe(200);
  return named(answer.body.fees as { lago_id: string }[]);
}

/** An invoice's fees by id, as Lago orders fees created together. */
const inOrder = (name: string) =>
  [...(invoices.get(name)?.fees ?? [])]
    .sort((a, b) => (a.id < b.id ? -1 : 1))
    .map((one) => `${name}:${one.billableMetricCode ?? "base"}`);

describe("GET /fees", () => {
  it("lists every fee oldest first, drafts' included, an invoice's fees by id, with Lago's meta", async () => {
    const answer = await list("");
    expect(answer.body.meta).toEqual({
      current_page: 1,
      next_page: null,
      prev_page: null,
      total_pages: 1,
      total_count: 7,
    });
    expect(named(answer.body.fees as { lago_id: string }[])).toEqual([
      ...inOrder("jul"),
      ...inOrder("aug"),
      ...inOrder("sep-draft"),
    ]);
  });

  it("shows a fee in Lago's shape, with its applied taxes", async () => {
    const answer = await list("fee_type=subscription&per_page=1");
    const [shown] = answer.body.fees as Record<string, unknown>[];
    const jul = invoices.get("jul");
    expect(shown).toMatchObject({
      lago_id: jul?.fees[0]?.id,
      lago_invoice_id: jul?.id,
      external_customer_id: seeded.externalCustomerId,
      amount_cents: 1000,
      amount_currency: "EUR",
      payment_status: "pending",
      created_at: "2026-08-01T07:00:00.000Z",
      item: { type: "subscription" },
      applied_taxes: [
        {
          lago_fee_id: jul?.fees[0]?.id,
          lago_tax_id: "tax-vat",
          tax_code: "vat",
          tax_name: "VAT",
          tax_rate: 20,
          amount_cents: 200,
          amount_currency: "EUR",
        },
      ],
    });
  });

  it("filters by fee type, billable metric, customer, subscription, currency and payment status", async () => {
    expect(await listed("fee_type=subscription")).toEqual(["jul:base", "aug:base", "sep-draft:base"]);
    expect(await listed("fee_type=add_on")).toEqual([]);
    expect(await listed("billable_metric_code=storage")).toEqual(["jul:storage", "sep-draft:storage"]);
    expect(await listed("external_customer_id=globex")).toEqual(inOrder("sep-draft"));
    expect(await listed("external_subscription_id=globex-main&fee_type=charge")).toEqual([
      "sep-draft:storage",
    ]);
    expect(await listed("currency=usd&fee_type=subscription")).toEqual(["sep-draft:base"]);
    expect(await listed("payment_status=succeeded")).toEqual(inOrder("aug"));
    expect(await listed("payment_status=refunded")).toEqual([]);
  });

  it("filters by creation time (both ends included), and on what fees do not have yet", async () => {
    expect(await listed("created_at_from=2026-09-01T07:00:00Z&fee_type=subscription")).toEqual([
      "aug:base",
      "sep-draft:base",
    ]);
    expect(await listed("created_at_to=2026-09-01T07:00:00Z&fee_type=subscription")).toEqual([
      "jul:base",
      "aug:base",
    ]);
    expect(await listed("created_at_from=2026-09-02&created_at_to=2026-09-01")).toEqual([]);
    expect(await listed("succeeded_at_from=2026-01-01")).toEqual([]);
    expect(await listed("event_transaction_id=tr_1")).toEqual([]);
  });

  it("pages across invoices with Lago's meta", async () => {
    const second = await list("per_page=2&page=2");
    expect(second.body.meta).toEqual({
      current_page: 2,
      next_page: 3,
      prev_page: 1,
      total_pages: 4,
      total_count: 7,
    });
    const all = [...inOrder("jul"), ...inOrder("aug"), ...inOrder("sep-draft")];
    expect(named(second.body.fees as { lago_id: string }[])).toEqual(all.slice(2, 4));
    expect(await listed("per_page=2&page=4")).toEqual(all.slice(6));
    expect(await listed("per_page=2&page=5")).toEqual([]);
    expect(await listed("per_page=1&page=2&fee_type=charge")).toEqual([
      inOrder("jul").filter((n) => !n.endsWith("base"))[1],
    ]);
  });

  it("refuses unknown values with a 422 naming the filter", async () => {
    for (const [query, field, code] of [
      ["fee_type=usage", "fee_type", "value_is_invalid"],
      ["payment_status=paid", "payment_status", "value_is_invalid"],
      ["currency=EURO", "currency", "value_is_invalid"],
      ["created_at_from=yesterday", "created_at_from", "invalid_date"],
      ["refunded_at_to=2026-13-01T00:00:00Z", "refunded_at_to", "invalid_date"],
    ]) {
      const answer = await list(query as string);
      expect(answer.status, query).toBe(422);
      expect(answer.body, query).toMatchObject({
        code: "validation_errors",
        error_details: { [field as string]: [code] },
      });
    }
  });
});

describe("GET /fees/{lago_id}", () => {
  const route = "GET /api/v1/fees/{lago_id}";
  it("finds a fee from the invoice part of its id, drafts' too", async () => {
    const draftFee = invoices.get("sep-draft")?.fees[1] as InvoiceFee;
    const answer = await invoke(invoicingApi, route, {
      apiKey: seeded.apiKey,
      params: { lago_id: draftFee.id },
      at: AT,
    });
    expect(answer.status).toBe(200);
    expect(answer.body.fee).toMatchObject({
      lago_id: draftFee.id,
      lago_invoice_id: invoices.get("sep-draft")?.id,
      amount_currency: "USD",
      item: { type: "charge", code: "storage" },
    });
  });

  it("answers 404 fee_not_found for an unknown id, one of its invoice's prefix, and another organization's", async () => {
    const jul = invoices.get("jul") as Invoice;
    const other = await seedCatalog({ name: "Other", subscriptionAt: "2026-01-01T00:00:00Z" });
    for (const [apiKey, id] of [
      [seeded.apiKey, "not-a-uuid"],
      [seeded.apiKey, "00000000-0000-8000-8000-000000000000"],
      [seeded.apiKey, feeId(jul.id, "charge", "nope")],
      [other.apiKey, jul.fees[0]?.id ?? ""],
    ]) {
      const answer = await invoke(invoicingApi, route, { apiKey, params: { lago_id: id as string }, at: AT });
      expect(answer, id).toEqual({
        status: 404,
        body: { status: 404, error: "Not Found", code: "fee_not_found" },
      });
    }
  });
});
