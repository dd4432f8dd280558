/**
 * Invoice PDFs on moto, through the API handlers and the documents renderer as deployed: a
 * download of a finalized invoice queues its render (the answer is empty, as Lago's), the renderer
 * stores the PDF in the documents bucket and publishes `invoice.generated` once, and every showing
 * of the invoice then carries a presigned `file_url` that opens the PDF. Drafts, voided and unknown
 * invoices are 404 `invoice_not_found`, as Lago finds finalized invoices only.
 */
import { randomUUID } from "node:crypto";
import { GetQueueAttributesCommand, SQSClient } from "@aws-sdk/client-sqs";
import { extractText, getDocumentProxy } from "unpdf";
import { describe, expect, it } from "vitest";
import { createOrganization } from "../../services/catalog/src/organizations/create-organization.js";
import { DocumentFiles, invoiceFileKey } from "../../services/invoicing/src/documents/document-files.js";
import { handler as documentsRenderer } from "../../services/invoicing/src/handlers/documents-renderer.js";
import { InvoiceStore } from "../../services/invoicing/src/store/invoice-store.js";
import type { DocumentMessage } from "../../shared/src/contracts/document-messages.js";
import { draftInvoice } from "../../shared/src/domain/invoices/test-invoice.js";
import { OrganizationStore } from "../../shared/src/store/organization-store.js";
import { testContext } from "../support/api-events.js";
import { deliverDocuments } from "../support/invoicing.js";
import { catalogAt, clockRun, invoicing, paymentsHarness } from "../support/payments.js";
import { sqsEvent } from "../support/sqs-events.js";

const AT = "2026-03-10T12:00:00.000Z";
const { eventsOf } = paymentsHarness();
const catalog = catalogAt(AT);

/** Messages waiting in the documents queue. */
async function documentsWaiting(): Promise<number> {
  const sqs = new SQSClient({});
  try {
    const { Attributes } = await sqs.send(
      new GetQueueAttributesCommand({
        QueueUrl: process.env.DOCUMENTS_QUEUE_URL,
        AttributeNames: ["ApproximateNumberOfMessages", "ApproximateNumberOfMessagesNotVisible"],
      }),
    );
    return (
      Number(Attributes?.ApproximateNumberOfMessages ?? 0) +
      Number(Attributes?.ApproximateNumberOfMessagesNotVisible ?? 0)
    );
  } finally {
    sqs.destroy();
  }
}

/**
 * An organization with its legal details and address, a 20% and a 5.5% tax, three add-ons, and a
 * customer in Los Angeles with an address.
 */
async function organization(name: string) {
  const { organization, apiKey } = await createOrganization(new OrganizationStore(), { name, now: AT });
  await catalog(apiKey, "PUT /api/v1/organizations", {
    organization: {
      legal_name: `${name} SAS`,
      legal_number: "RCS 123 456 789",
      address_line1: "1 rue de la Paix",
      zipcode: "75002",
      city: "Paris",
      country: "FR",
    },
  });
  await catalog(apiKey, "POST /api/v1/taxes", { tax: { name: "VAT", code: "vat_20", rate: "20" } });
  await catalog(apiKey, "POST /api/v1/taxes", { tax: { name: "Reduced", code: "vat_5_5", rate: "5.5" } });
  for (const [code, addOnName, cents, taxes] of [
    ["setup", "Setup fee", 50_000, ["vat_20"]],
    ["training", "Training day", 12_000, ["vat_5_5"]],
    ["support", "Priority support", 9_900, []],
  ] as const)
    await catalog(apiKey, "POST /api/v1/add_ons", {
      add_on: { name: addOnName, code, amount_cents: cents, amount_currency: "EUR", tax_codes: taxes },
    });
  await catalog(apiKey, "POST /api/v1/customers", {
    customer: {
      external_id: "cus_pdf",
      name: "Globex Corporation",
      currency: "EUR",
      timezone: "America/Los_Angeles",
      address_line1: "15201 Maple Systems Road",
      city: "Cypress Creek",
      zipcode: "97000",
      country: "US",
    },
  });
  return { organizationId: organization.id, apiKey };
}

type ShownInvoice = Record<string, unknown> & {
  lago_id: string;
  number: string;
  file_url: string | null;
  fees: Array<{ amount_cents: number; item: { name: string } }>;
};

async function oneOff(apiKey: string, fees: unknown[]): Promise<ShownInvoice> {
  const answer = await invoicing("POST /api/v1/invoices", {
    apiKey,
    body: { invoice: { external_customer_id: "cus_pdf", currency: "EUR", fees } },
    at: AT,
  });
  expect(answer.status, JSON.stringify(answer.body)).toBe(200);
  return answer.body.invoice as ShownInvoice;
}

const download = (apiKey: string, lagoId: string) =>
  invoicing("POST /api/v1/invoices/{lago_id}/download", { apiKey, params: { lago_id: lagoId }, at: AT });

/** The PDF behind a presigned URL, fetched as any client would, and its text page by page. */
async function openPdf(url: string) {
  const response = await fetch(url);
  expect(response.status).toBe(200);
  expect(response.headers.get("content-type")).toBe("application/pdf");
  const bytes = new Uint8Array(await response.arrayBuffer());
  const pdf = await getDocumentProxy(bytes);
  const { totalPages, text } = await extractText(pdf, { mergePages: false });
  return { pages: totalPages, text: text.join(" ").replace(/\s+/g, " ") };
}

describe("invoice PDFs", () => {
  it("renders a finalized invoice off the request path once, then serves it presigned", async () => {
    const { apiKey, organizationId } = await organization("Acme Cloud");
    const invoice = await oneOff(apiKey, [
      { add_on_code: "setup" },
      { add_on_code: "training", units: "2.5" },
      { add_on_code: "support", units: "3", description: "March" },
    ]);
    expect(invoice.file_url).toBeNull();
    await eventsOf(invoice.lago_id);

    // Two downloads before the renderer runs: both answered at once, empty, as Lago's job answers.
    for (let attempt = 0; attempt < 2; attempt++) {
      const queued = await download(apiKey, invoice.lago_id);
      expect(queued).toEqual({ status: 200, body: {} });
    }
    expect(await documentsWaiting()).toBe(2);
    expect(await deliverDocuments()).toBe(2);

    // One invoice.generated, showing the invoice with its file. It is owed once; EventBridge and the
    // SDK's retries deliver at least once, so a copy carries the same unique_key, which consumers
    // (the webhook dispatcher) drop: one event after deduplication.
    const generated = (await eventsOf(invoice.lago_id)).filter((event) => event.type === "invoice.generated");
    expect(new Set(generated.map((event) => event.uniqueKey)).size).toBe(1);
    const recorded = await new InvoiceStore().get(organizationId, invoice.lago_id);
    expect(recorded?.pendingEvents ?? new Set()).toEqual(new Set());
    expect(recorded?.fileKey).toBe(`invoices/${organizationId}/${invoice.lago_id}.pdf`);
    expect(generated[0]?.detail).toMatchObject({
      webhook_type: "invoice.generated",
      object_type: "invoice",
      invoice: { lago_id: invoice.lago_id, file_url: expect.stringContaining(".pdf") },
    });

    // A download now answers the invoice with its presigned URL, and queues nothing.
    const stored = await download(apiKey, invoice.lago_id);
    expect(stored.status).toBe(200);
    const shown = stored.body.invoice as ShownInvoice;
    expect(shown.file_url).toEqual(expect.stringContaining("X-Amz-Signature="));
    expect(shown.file_url).toEqual(expect.stringContaining("X-Amz-Expires=3600"));
    expect(await documentsWaiting()).toBe(0);
    expect({ ...shown, file_url: null }).toEqual({
      ...invoice,
      file_url: null,
      updated_at: shown.updated_at,
    });

    // GET and the list show it too.
    const got = await invoicing("GET /api/v1/invoices/{lago_id}", {
      apiKey,
      params: { lago_id: invoice.lago_id },
      at: AT,
    });
    expect((got.body.invoice as ShownInvoice).file_url).toEqual(expect.stringContaining(".pdf"));
    const listed = await invoicing("GET /api/v1/invoices", { apiKey, at: AT });
    const [first] = listed.body.invoices as ShownInvoice[];
    expect(first?.file_url).toEqual(expect.stringContaining(".pdf"));

    // The URL opens the PDF: the number, the parties, every fee's name and amount, taxes, totals.
    const { pages, text } = await openPdf(shown.file_url as string);
    expect(pages).toBe(1);
    for (const expected of [
      invoice.number,
      "Acme Cloud SAS",
      "1 rue de la Paix",
      "Globex Corporation",
      "15201 Maple Systems Road",
      "Issuing date",
      "Setup fee",
      "€500.00",
      "Training day",
      "€300.00",
      "Priority support",
      "€297.00",
      "March",
      // 20% of 500.00, 5.5% of 300.00.
      "VAT (20% on €500.00)",
      "€100.00",
      "Reduced (5.5% on €300.00)",
      "€16.50",
      // 1,097.00 + 116.50.
      "Total",
      "€1,213.50",
      "Total due",
    ])
      expect(text).toContain(expected);
    expect(shown).toMatchObject({
      fees_amount_cents: 109_700,
      taxes_amount_cents: 11_650,
      total_amount_cents: 121_350,
    });

    // A render message delivered again renders nothing and owes nothing more.
    const redelivered = {
      kind: "render_invoice",
      organizationId,
      invoiceId: invoice.lago_id,
      requestedAt: AT,
    } satisfies DocumentMessage;
    await documentsRenderer(sqsEvent([JSON.stringify(redelivered)]), testContext());
    const after = (await eventsOf(invoice.lago_id)).filter((event) => event.type === "invoice.generated");
    expect(after).toHaveLength(generated.length);
  });

  it("flows a 50-fee invoice over several pages, every fee printed", async () => {
    const { apiKey } = await organization("Initech");
    const fees = Array.from({ length: 50 }, (_, index) => ({
      add_on_code: "support",
      units: String(index + 1),
      description: `Line ${index + 1}`,
    }));
    const invoice = await oneOff(apiKey, fees);
    expect((await download(apiKey, invoice.lago_id)).body).toEqual({});
    await deliverDocuments();
    const shown = (await download(apiKey, invoice.lago_id)).body.invoice as ShownInvoice;
    const { pages, text } = await openPdf(shown.file_url as string);
    expect(pages).toBeGreaterThan(1);
    for (let index = 1; index <= 50; index++) expect(text).toContain(`Line ${index} `);
    expect(text).toContain(`Page ${pages} of ${pages}`);
  });

  it("prints a customer and fees named beyond Latin as written, through the renderer as deployed", async () => {
    const { apiKey } = await organization("Soylent");
    // The same customer, renamed (Lago's upsert by external_id).
    await catalog(apiKey, "POST /api/v1/customers", {
      customer: { external_id: "cus_pdf", name: "株式会社テスト Иван Петров", currency: "EUR" },
    });
    const invoice = await oneOff(apiKey, [
      { add_on_code: "support", description: "Σοφία: 云存储服务" },
      { add_on_code: "setup", description: "주식회사 서울" },
    ]);
    await download(apiKey, invoice.lago_id);
    await deliverDocuments();
    const shown = (await download(apiKey, invoice.lago_id)).body.invoice as ShownInvoice;
    const { text } = await openPdf(shown.file_url as string);
    for (const expected of [
      "株式会社テスト Иван Петров",
      "Σοφία: 云存储服务",
      "주식회사 서울",
      "€99.00",
      "€500.00",
    ])
      expect(text).toContain(expected);
  });

  it("publishes invoice.generated at the billing clock's next run after a renderer died after its record", async () => {
    const { apiKey, organizationId } = await organization("Umbrella");
    const invoice = await oneOff(apiKey, [{ add_on_code: "setup" }]);
    await eventsOf(invoice.lago_id);
    // What the renderer does up to its record, and no further (it dies before publishing).
    const key = invoiceFileKey(organizationId, invoice.lago_id);
    await new DocumentFiles().put(key, new Uint8Array([37, 80, 68, 70]), `${invoice.number}.pdf`);
    expect(await new InvoiceStore().recordFile(organizationId, invoice.lago_id, key, AT)).toBe(true);
    // A second record (a render that raced it) owes nothing more.
    expect(await new InvoiceStore().recordFile(organizationId, invoice.lago_id, key, AT)).toBe(false);
    expect((await eventsOf(invoice.lago_id)).map((event) => event.type)).toEqual(["invoice.one_off_created"]);

    await clockRun("2026-03-10T12:15:00.000Z");
    const events = await eventsOf(invoice.lago_id);
    expect(events.map((event) => event.type)).toEqual(["invoice.one_off_created", "invoice.generated"]);
    expect(events[1]?.detail).toMatchObject({ invoice: { file_url: expect.stringContaining(".pdf") } });
    // Published and out of the owing partitions: the next run publishes nothing.
    await clockRun("2026-03-10T12:30:00.000Z");
    expect(await eventsOf(invoice.lago_id)).toHaveLength(2);
  });

  it("refuses drafts, voided and unknown invoices with Lago's 404, queueing nothing", async () => {
    const { apiKey, organizationId } = await organization("Hooli");
    const draft = { ...draftInvoice, id: randomUUID(), organizationId };
    await new InvoiceStore().saveOnce(draft, null);
    const notFound = { status: 404, error: "Not Found", code: "invoice_not_found" };
    expect(await download(apiKey, draft.id)).toEqual({ status: 404, body: notFound });
    expect(await download(apiKey, randomUUID())).toEqual({ status: 404, body: notFound });

    const invoice = await oneOff(apiKey, [{ add_on_code: "support" }]);
    const voided = await invoicing("POST /api/v1/invoices/{lago_id}/void", {
      apiKey,
      params: { lago_id: invoice.lago_id },
      at: AT,
    });
    expect(voided.status).toBe(200);
    expect(await download(apiKey, invoice.lago_id)).toEqual({ status: 404, body: notFound });
    // Another organization's invoice is unknown to this one.
    const other = await organization("Pied Piper");
    const theirs = await oneOff(other.apiKey, [{ add_on_code: "support" }]);
    expect(await download(apiKey, theirs.lago_id)).toEqual({ status: 404, body: notFound });
    expect(await documentsWaiting()).toBe(0);
  });
});
