/**
 * Invoice lists against a real moto_server, through the deployed invoicing API handler: every
 * filter of Lago's `GET /invoices` in both its forms, the customer's route, pagination, refusals,
 * and what a page costs in reads (counted on the DynamoDB client every handler shares).
 */
import { BatchWriteCommand } from "@aws-sdk/lib-dynamodb";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { handler as catalogApi } from "../../services/catalog/src/handlers/api.js";
import { handler as invoicingApi } from "../../services/invoicing/src/handlers/api.js";
import { InvoiceStore } from "../../services/invoicing/src/store/invoice-store.js";
import type { Invoice } from "../../shared/src/domain/invoice.js";
import { draftInvoice } from "../../shared/src/domain/invoices/test-invoice.js";
import { documentClient } from "../../shared/src/platform/aws-clients.js";
import { stableUuid } from "../../shared/src/platform/ids.js";
import { invoke } from "../support/api-events.js";
import { type AwsHarness, startAwsHarness } from "../support/aws-harness.js";
import { type SeededCatalog, seedCatalog } from "../support/catalog-fixture.js";

let aws: AwsHarness;
let seeded: SeededCatalog;
let globexId: string;
const AT = "2026-11-15T12:00:00Z";

/** The seeded invoices, by name. */
const invoices = new Map<string, Invoice>();

function invoiceOf(name: string, fields: Partial<Invoice>): Invoice {
  const id = stableUuid("invoice-lists", seeded.organizationId, name);
  return {
    ...draftInvoice,
    id,
    organizationId: seeded.organizationId,
    customerId: fields.customerId ?? "",
    externalCustomerId: seeded.externalCustomerId,
    subscriptionId: seeded.subscriptionId,
    externalSubscriptionId: seeded.externalSubscriptionId,
    currency: "EUR",
    fees: [],
    ...fields,
  };
}

beforeAll(async () => {
  aws = await startAwsHarness();
  seeded = await seedCatalog({ subscriptionAt: "2026-01-01T00:00:00Z", at: "2026-01-01T00:00:00Z" });
  const customers = await invoke(catalogApi, "GET /api/v1/customers/{external_customer_id}", {
    apiKey: seeded.apiKey,
    params: { external_customer_id: seeded.externalCustomerId },
  });
  const acmeId = (customers.body.customer as { lago_id: string }).lago_id;
  const globex = await invoke(catalogApi, "POST /api/v1/customers", {
    apiKey: seeded.apiKey,
    at: "2026-01-01T00:00:00Z",
    body: { customer: { external_id: "globex#1", name: "Globex Ltd", email: "billing@globex.example" } },
  });
  expect(globex.status).toBe(200);
  globexId = (globex.body.customer as { lago_id: string }).lago_id;
  const acme = { customerId: acmeId, externalCustomerId: seeded.externalCustomerId };
  const other = { customerId: globexId, externalCustomerId: "globex#1" };
  const seeds: [string, Partial<Invoice>][] = [
    [
      "draft-nov",
      { ...acme, status: "draft", number: "ACM-DRAFT", issuingDate: "2026-11-04", totalAmountCents: 1000 },
    ],
    [
      "final-oct",
      {
        ...acme,
        status: "finalized",
        number: "ACM-001-002",
        issuingDate: "2026-10-01",
        totalAmountCents: 5000,
        totalPaidAmountCents: 2000,
        metadata: [{ id: "m1", key: "color", value: "blue", createdAt: AT }],
      },
    ],
    [
      "final-sep",
      {
        ...acme,
        status: "finalized",
        paymentStatus: "succeeded",
        number: "ACM-001-001",
        issuingDate: "2026-09-01",
        totalAmountCents: 2500,
        totalPaidAmountCents: 2500,
        metadata: [
          { id: "m2", key: "color", value: "red", createdAt: AT },
          { id: "m3", key: "size", value: "L", createdAt: AT },
        ],
      },
    ],
    [
      "failed-aug",
      {
        ...acme,
        status: "finalized",
        paymentStatus: "failed",
        paymentOverdue: true,
        number: "ACM-001-000",
        issuingDate: "2026-08-01",
        totalAmountCents: 9000,
      },
    ],
    [
      "void-jul",
      { ...acme, status: "voided", number: "ACM-001-099", issuingDate: "2026-07-01", totalAmountCents: 100 },
    ],
    [
      "globex-oct",
      {
        ...other,
        status: "finalized",
        number: "GLO-002-001",
        issuingDate: "2026-10-01",
        currency: "USD",
        totalAmountCents: 7000,
        createdAt: "2026-10-01T09:00:00.000Z",
      },
    ],
  ];
  const store = new InvoiceStore();
  for (const [name, fields] of seeds) {
    const invoice = invoiceOf(name, fields);
    invoices.set(name, invoice);
    await store.saveOnce(invoice, null);
  }
});
afterAll(async () => {
  await aws.stop();
});

async function list(query: string, apiKey = seeded.apiKey) {
  const answer = await invoke(invoicingApi, "GET /api/v1/invoices", { apiKey, query, at: AT });
  return answer;
}

/** The names of the invoices a list answers, in its order. */
async function listed(query: string): Promise<string[]> {
  const answer = await list(query);
  expect(answer.status, JSON.stringify(answer.body)).toBe(200);
  const byId = new Map([...invoices].map(([name, invoice]) => [invoice.id, name]));
  return (answer.body.invoices as { lago_id: string }[]).map((invoice) => byId.get(invoice.lago_id) ?? "?");
}

describe("GET /invoices", () => {
  it("lists every invoice newest issuing date first (then newest creation), with Lago's meta", async () => {
    const answer = await list("");
    expect(answer.body.meta).toEqual({
      current_page: 1,
      next_page: null,
      prev_page: null,
      total_pages: 1,
      total_count: 6,
    });
    expect(await listed("")).toEqual([
      "draft-nov",
      "globex-oct",
      "final-oct",
      "final-sep",
      "failed-aug",
      "void-jul",
    ]);
  });

  it("filters statuses in both forms: status, statuses[] (several merged in order)", async () => {
    expect(await listed("status=draft")).toEqual(["draft-nov"]);
    expect(await listed("statuses[]=voided&statuses[]=draft")).toEqual(["draft-nov", "void-jul"]);
    expect(await listed("statuses%5B%5D=finalized")).toEqual([
      "globex-oct",
      "final-oct",
      "final-sep",
      "failed-aug",
    ]);
    // Lago's statuses no invoice has here yet are accepted.
    expect(await listed("statuses[]=failed&statuses[]=pending")).toEqual([]);
  });

  it("filters payment statuses in both forms", async () => {
    expect(await listed("payment_status=succeeded")).toEqual(["final-sep"]);
    expect(await listed("payment_statuses[]=failed&payment_statuses[]=succeeded")).toEqual([
      "final-sep",
      "failed-aug",
    ]);
    expect(await listed("statuses[]=finalized&payment_statuses[]=pending")).toEqual([
      "globex-oct",
      "final-oct",
    ]);
  });

  it("filters by customer under both of Lago's names, and by issuing dates (both included)", async () => {
    expect(await listed("external_customer_id=globex%231")).toEqual(["globex-oct"]);
    expect(await listed("customer_external_id=globex%231")).toEqual(["globex-oct"]);
    expect(await listed("external_customer_id=nobody")).toEqual([]);
    expect(await listed("issuing_date_from=2026-09-01&issuing_date_to=2026-10-01")).toEqual([
      "globex-oct",
      "final-oct",
      "final-sep",
    ]);
    expect(await listed("issuing_date_from=2026-10-02")).toEqual(["draft-nov"]);
    expect(await listed("issuing_date_to=2026-07-01")).toEqual(["void-jul"]);
    expect(await listed("issuing_date_from=2026-10-02&issuing_date_to=2026-10-01")).toEqual([]);
  });

  it("filters by currency, invoice type, amounts, overdue and partial payment", async () => {
    expect(await listed("currency=USD")).toEqual(["globex-oct"]);
    expect(await listed("currency=eur&status=voided")).toEqual(["void-jul"]);
    expect(await listed("invoice_type=subscription&amount_from=5000&amount_to=7000")).toEqual([
      "globex-oct",
      "final-oct",
    ]);
    expect(await listed("invoice_type=one_off")).toEqual([]);
    expect(await listed("amount_from=9000")).toEqual(["failed-aug"]);
    expect(await listed("payment_overdue=true")).toEqual(["failed-aug"]);
    expect((await listed("payment_overdue=false")).length).toBe(5);
    expect(await listed("partially_paid=true")).toEqual(["final-oct"]);
    expect(await listed("partially_paid=false&status=finalized")).toEqual([
      "globex-oct",
      "final-sep",
      "failed-aug",
    ]);
  });

  it("filters by metadata (each pair; an empty value: without the key)", async () => {
    expect(await listed("metadata[color]=blue")).toEqual(["final-oct"]);
    expect(await listed("metadata[color]=red&metadata[size]=L")).toEqual(["final-sep"]);
    expect(await listed("metadata[color]=red&metadata[size]=M")).toEqual([]);
    expect(await listed("metadata[color]=&status=finalized")).toEqual(["globex-oct", "failed-aug"]);
  });

  it("searches the number, the customer's name, email and external id, case-insensitively", async () => {
    expect(await listed("search_term=acm-001-00")).toEqual(["final-oct", "final-sep", "failed-aug"]);
    expect(await listed("search_term=GLOBEX")).toEqual(["globex-oct"]);
    expect(await listed("search_term=billing%40globex")).toEqual(["globex-oct"]);
    expect(await listed("search_term=cus_1&status=voided")).toEqual(["void-jul"]);
    expect(await listed(`search_term=${invoices.get("final-sep")?.id.toUpperCase()}`)).toEqual(["final-sep"]);
    expect(await listed("search_term=nothing-like-it")).toEqual([]);
  });

  it("lists none for what no invoice has: self billed, a lost dispute; all for their negation", async () => {
    expect(await listed("self_billed=true")).toEqual([]);
    expect((await listed("self_billed=false")).length).toBe(6);
    expect(await listed("payment_dispute_lost=true")).toEqual([]);
    expect((await listed("payment_dispute_lost=false")).length).toBe(6);
  });

  it("reads billing entity codes: the organization's lists all, another is 404 billing_entity_not_found", async () => {
    expect((await listed("billing_entity_codes[]=acme")).length).toBe(6);
    const unknown = await list("billing_entity_codes[]=acme&billing_entity_codes[]=globex");
    expect(unknown).toEqual({
      status: 404,
      body: { status: 404, error: "Not Found", code: "billing_entity_not_found" },
    });
  });

  it("pages with Lago's meta, the merge continuing across pages", async () => {
    const second = await list("per_page=2&page=2");
    expect(second.body.meta).toEqual({
      current_page: 2,
      next_page: 3,
      prev_page: 1,
      total_pages: 3,
      total_count: 6,
    });
    expect(await listed("per_page=2&page=2")).toEqual(["final-oct", "final-sep"]);
    expect(await listed("per_page=2&page=3")).toEqual(["failed-aug", "void-jul"]);
    expect(await listed("per_page=4&page=2&statuses[]=finalized&statuses[]=voided")).toEqual(["void-jul"]);
    expect(await listed("per_page=2&page=9")).toEqual([]);
    expect(await listed("per_page=1&currency=EUR&page=2")).toEqual(["final-oct"]);
    const filtered = await list("per_page=1&currency=EUR");
    expect(filtered.body.meta).toMatchObject({ total_count: 5, total_pages: 5, next_page: 2 });
  });

  it("shows each invoice in Lago's shape with its customer from the catalog", async () => {
    const answer = await list("status=draft");
    const [shown] = answer.body.invoices as Record<string, unknown>[];
    expect(shown).toMatchObject({
      lago_id: invoices.get("draft-nov")?.id,
      status: "draft",
      number: "ACM-DRAFT",
      customer: { external_id: seeded.externalCustomerId, name: "Customer" },
    });
  });

  it("refuses an unknown value of a known filter with a 422 naming it, and changes nothing", async () => {
    const cases: [string, string, string][] = [
      ["statuses[]=paid", "status", "value_is_invalid"],
      ["status=open", "status", "value_is_invalid"],
      ["payment_statuses[]=refunded", "payment_status", "value_is_invalid"],
      ["amount_from=abc", "amount_from", "value_is_invalid"],
      ["amount_to=12abc", "amount_to", "value_is_invalid"],
      ["payment_overdue=maybe", "payment_overdue", "value_is_invalid"],
      ["partially_paid=yes", "partially_paid", "value_is_invalid"],
      ["invoice_type=usage", "invoice_type", "value_is_invalid"],
      ["currency=EURO", "currency", "value_is_invalid"],
      ["issuing_date_from=2026-13-01", "issuing_date_from", "invalid_date"],
      ["page=0", "page", "invalid_value"],
    ];
    for (const [query, field, code] of cases) {
      const answer = await list(query);
      expect(answer.status, query).toBe(422);
      expect(answer.body, query).toMatchObject({
        status: 422,
        error: "Unprocessable Entity",
        code: "validation_errors",
        error_details: { [field]: [code] },
      });
    }
    expect((await list("")).body.meta).toMatchObject({ total_count: 6 });
  });

  it("never lists another organization's invoices", async () => {
    const other = await seedCatalog({ name: "Other", subscriptionAt: "2026-01-01T00:00:00Z" });
    const answer = await list("", other.apiKey);
    expect(answer.body).toMatchObject({ invoices: [], meta: { total_count: 0, current_page: 0 } });
  });
});

describe("GET /customers/{external_customer_id}/invoices", () => {
  const route = "GET /api/v1/customers/{external_customer_id}/invoices";
  it("lists the customer's invoices with the same filters", async () => {
    const answer = await invoke(invoicingApi, route, {
      apiKey: seeded.apiKey,
      params: { external_customer_id: "globex#1" },
      at: AT,
    });
    expect(answer.status).toBe(200);
    expect((answer.body.invoices as { lago_id: string }[]).map((invoice) => invoice.lago_id)).toEqual([
      invoices.get("globex-oct")?.id,
    ]);
    const filtered = await invoke(invoicingApi, route, {
      apiKey: seeded.apiKey,
      params: { external_customer_id: seeded.externalCustomerId },
      // The path's customer, not the query's; a search names no other customer.
      query: "statuses[]=finalized&external_customer_id=globex%231&search_term=globex&per_page=1",
      at: AT,
    });
    expect(filtered.body).toMatchObject({ invoices: [], meta: { total_count: 0 } });
    const mine = await invoke(invoicingApi, route, {
      apiKey: seeded.apiKey,
      params: { external_customer_id: seeded.externalCustomerId },
      query: "statuses[]=finalized&per_page=1&page=2",
      at: AT,
    });
    expect((mine.body.invoices as { lago_id: string }[])[0]?.lago_id).toBe(invoices.get("final-sep")?.id);
    expect(mine.body.meta).toEqual({
      current_page: 2,
      next_page: 3,
      prev_page: 1,
      total_pages: 3,
      total_count: 3,
    });
  });

  it("answers 404 customer_not_found for an unknown customer, and 422 for a bad filter", async () => {
    const missing = await invoke(invoicingApi, route, {
      apiKey: seeded.apiKey,
      params: { external_customer_id: "nobody" },
      at: AT,
    });
    expect(missing).toEqual({
      status: 404,
      body: { status: 404, error: "Not Found", code: "customer_not_found" },
    });
    const bad = await invoke(invoicingApi, route, {
      apiKey: seeded.apiKey,
      params: { external_customer_id: seeded.externalCustomerId },
      query: "payment_statuses[]=paid",
      at: AT,
    });
    expect(bad.status).toBe(422);
  });
});

/** The list indexes, whose entries are small; any other read returns whole invoices. */
const LIST_INDEXES = new Set(["invoiceLists", "customerInvoiceLists", "feeLists"]);

const idsOf = (answer?: { body: Record<string, unknown> }) =>
  ((answer?.body.invoices ?? []) as { lago_id: string }[]).map((invoice) => invoice.lago_id);

/** Reads made through the DynamoDB client the handlers share, while `work` runs. */
async function countingReads(work: () => Promise<unknown>) {
  const reads = { entriesReturned: 0, entriesCounted: 0, invoicesRead: 0, queries: 0, bytes: 0 };
  const client = documentClient();
  const name = `count-reads-${Math.random()}`;
  client.middlewareStack.add(
    (next, context) => async (args) => {
      const result = await next(args);
      const output = result.output as {
        Items?: unknown[];
        Count?: number;
        ScannedCount?: number;
        Responses?: Record<string, unknown[]>;
      };
      const input = args.input as { Select?: string; IndexName?: string };
      if (context.commandName === "QueryCommand") {
        reads.queries++;
        if (input.Select === "COUNT") reads.entriesCounted += output.ScannedCount ?? 0;
        else if (input.IndexName && LIST_INDEXES.has(input.IndexName))
          reads.entriesReturned += output.Items?.length ?? 0;
        else reads.invoicesRead += output.Items?.length ?? 0;
        reads.bytes += JSON.stringify(output.Items ?? []).length;
      }
      if (context.commandName === "BatchGetItemCommand" || context.commandName === "GetItemCommand") {
        const items = Object.values(output.Responses ?? {}).flat();
        reads.invoicesRead += items.length;
        reads.bytes += JSON.stringify(items).length;
      }
      return result;
    },
    { step: "initialize", name },
  );
  try {
    await work();
  } finally {
    client.middlewareStack.remove(name);
  }
  return reads;
}

describe("what a page costs", () => {
  it("a page of 20 among 2,000 invoices reads the page's invoices, not the organization's", async () => {
    const big = await seedCatalog({ name: "Big", subscriptionAt: "2026-01-01T00:00:00Z" });
    const whale = await invoke(catalogApi, "POST /api/v1/customers", {
      apiKey: big.apiKey,
      body: { customer: { external_id: "whale", name: "Whale" } },
    });
    expect(whale.status).toBe(200);
    const store = new InvoiceStore();
    const statuses: Invoice["status"][] = ["finalized", "finalized", "draft", "voided"];
    const fee = (id: string): Invoice["fees"][number] => ({
      id,
      feeType: "charge",
      chargeId: "charge-1",
      chargeFilterId: null,
      groupedBy: null,
      billableMetricCode: "usage",
      itemCode: "usage",
      // Over a kilobyte each invoice, as invoices with their fees are.
      itemName: "x".repeat(150),
      invoiceDisplayName: null,
      units: "1",
      eventsCount: 1,
      amountCents: 100,
      preciseAmountCents: "100",
      taxCodes: [],
      taxesAmountCents: 0,
      taxesRate: "0",
      preciseUnitAmount: "1",
      fromDatetime: "2026-07-01T00:00:00.000Z",
      toDatetime: "2026-07-31T23:59:59.999Z",
    });
    const all: Invoice[] = Array.from({ length: 2000 }, (_, index) => {
      const id = stableUuid("big", String(index));
      return {
        ...draftInvoice,
        id,
        organizationId: big.organizationId,
        externalCustomerId: index % 10 === 0 ? "whale" : big.externalCustomerId,
        status: statuses[index % 4] as Invoice["status"],
        paymentStatus: index % 3 === 0 ? "succeeded" : "pending",
        issuingDate: `2026-${String((index % 12) + 1).padStart(2, "0")}-${String((index % 28) + 1).padStart(2, "0")}`,
        fees: [fee(`${id}-1`), fee(`${id}-2`), fee(`${id}-3`)],
      };
    });
    // Written 25 to a request, each item exactly as `saveOnce` would write it (its private item
    // builder), which would take a read and a write per invoice: minutes on moto for 2,000.
    const itemOf = (invoice: Invoice) =>
      (store as unknown as { item(invoice: Invoice, event: string): Record<string, unknown> }).item(
        invoice,
        invoice.status === "draft" ? "invoice.drafted" : "invoice.created",
      );
    const table = process.env.INVOICING_TABLE as string;
    for (let start = 0; start < all.length; start += 25)
      await documentClient().send(
        new BatchWriteCommand({
          RequestItems: {
            [table]: all
              .slice(start, start + 25)
              .map((invoice) => ({ PutRequest: { Item: itemOf(invoice) } })),
          },
        }),
      );
    expect(await store.get(big.organizationId, all[1]?.id ?? "")).toMatchObject({ status: "finalized" });

    const inListOrder = (invoices: Invoice[]) =>
      [...invoices].sort((a, b) =>
        a.issuingDate !== b.issuingDate ? (a.issuingDate < b.issuingDate ? 1 : -1) : a.id < b.id ? -1 : 1,
      );
    const expected = inListOrder(all.filter((invoice) => invoice.status !== "draft"));
    let answer: Awaited<ReturnType<typeof list>> | undefined;
    const page = await countingReads(async () => {
      answer = await list("statuses[]=finalized&statuses[]=voided&per_page=20&page=3", big.apiKey);
    });
    expect(answer?.status).toBe(200);
    expect(answer?.body.meta).toMatchObject({ total_count: 1500, current_page: 3, total_pages: 75 });
    expect(idsOf(answer)).toEqual(expected.slice(40, 60).map((invoice) => invoice.id));

    // What reading the organization's invoices (the list before its indexes) would return.
    const everything = { invoicesRead: all.length, bytes: JSON.stringify(all.map(itemOf)).length };
    // The page read its 20 invoices whole, and small entries for the 40 it skipped and itself
    // (each of its 6 partitions read a little ahead).
    expect(page.invoicesRead).toBe(20);
    expect(page.entriesReturned).toBeGreaterThanOrEqual(60);
    expect(page.entriesReturned).toBeLessThan(200);
    // The count read the 1,500 matching index entries (small: no fee, no item), no invoice.
    expect(page.entriesCounted).toBe(1500);
    expect(everything.invoicesRead).toBe(2000);
    expect(page.bytes * 20).toBeLessThan(everything.bytes);

    // A customer's page: its own partitions only, counted and read.
    const customer = await countingReads(async () => {
      answer = await invoke(invoicingApi, "GET /api/v1/customers/{external_customer_id}/invoices", {
        apiKey: big.apiKey,
        params: { external_customer_id: "whale" },
        query: "per_page=20",
        at: AT,
      });
    });
    expect(answer?.body.meta).toMatchObject({ total_count: 200, total_pages: 10 });
    expect(idsOf(answer)).toEqual(
      inListOrder(all.filter((invoice) => invoice.externalCustomerId === "whale"))
        .slice(0, 20)
        .map((invoice) => invoice.id),
    );
    expect(customer.entriesCounted).toBe(200);
    expect(customer.invoicesRead).toBe(20);
    expect(customer.entriesReturned).toBeLessThan(100);

    // A rarer filter tests every entry of the partitions (their bytes), still reading 20 invoices.
    const filtered = await countingReads(async () => {
      answer = await list("statuses[]=finalized&amount_from=1000&per_page=20", big.apiKey);
    });
    expect(answer?.body.meta).toMatchObject({ total_count: 1000 });
    expect(filtered.entriesReturned).toBe(1000);
    expect(filtered.invoicesRead).toBe(20);
    // The figures, for docs/invoice-lists.md.
    console.info("reads:", JSON.stringify({ page, customer, filtered, everything }));
  }, 180_000);
});
