/**
 * Credit note PDFs on moto, through the API handler and the documents renderer as deployed: a
 * download of a note queues its render (the answer is empty, as Lago's), the renderer stores the
 * PDF under the note's key once and `credit_note.generated` is owed by its invoice once, however
 * often it is rendered, and a download then answers the note with a presigned `file_url` that
 * opens the PDF. Unknown notes, and another organization's, are 404 `credit_note_not_found`.
 */
import { GetQueueAttributesCommand, SQSClient } from "@aws-sdk/client-sqs";
import { extractText, getDocumentProxy } from "unpdf";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createOrganization } from "../../services/catalog/src/organizations/create-organization.js";
import { creditNoteFileKey } from "../../services/invoicing/src/documents/generate-credit-note-pdf.js";
import { handler as documentsRenderer } from "../../services/invoicing/src/handlers/documents-renderer.js";
import { CreditNoteStore } from "../../services/invoicing/src/store/credit-note-store.js";
import { InvoiceStore } from "../../services/invoicing/src/store/invoice-store.js";
import type { DocumentMessage } from "../../shared/src/contracts/document-messages.js";
import { OrganizationStore } from "../../shared/src/store/organization-store.js";
import { testContext } from "../support/api-events.js";
import { type AwsHarness, startAwsHarness } from "../support/aws-harness.js";
import { deliverDocuments } from "../support/invoicing.js";
import { catalogAt, invoicing, type Published, watchBus } from "../support/payments.js";
import { sqsEvent } from "../support/sqs-events.js";

const AT = "2026-03-10T12:00:00.000Z";
const catalog = catalogAt(AT);

let aws: AwsHarness;
let bus: Awaited<ReturnType<typeof watchBus>>;
beforeAll(async () => {
  aws = await startAwsHarness();
  bus = await watchBus();
});
afterAll(async () => {
  bus.stop();
  await aws.stop();
});

const published: Published[] = [];
/** The events published for the credit note so far, in order. */
async function eventsOfNote(noteId: string): Promise<Published[]> {
  published.push(...(await bus.take()));
  return published.filter(
    (event) => (event.detail.credit_note as { lago_id?: string } | undefined)?.lago_id === noteId,
  );
}

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

/** An organization with its legal name, an untaxed add-on, and a customer; its one-off invoice. */
async function creditedInvoice(name: string) {
  const { organization, apiKey } = await createOrganization(new OrganizationStore(), { name, now: AT });
  await catalog(apiKey, "PUT /api/v1/organizations", {
    organization: { legal_name: `${name} SAS`, address_line1: "1 rue de la Paix", country: "FR" },
  });
  await catalog(apiKey, "POST /api/v1/add_ons", {
    add_on: { name: "Priority support", code: "support", amount_cents: 9_900, amount_currency: "EUR" },
  });
  await catalog(apiKey, "POST /api/v1/customers", {
    customer: { external_id: "cus_credited", name: "Globex Corporation", currency: "EUR" },
  });
  const answer = await invoicing("POST /api/v1/invoices", {
    apiKey,
    body: {
      invoice: { external_customer_id: "cus_credited", currency: "EUR", fees: [{ add_on_code: "support" }] },
    },
    at: AT,
  });
  expect(answer.status, JSON.stringify(answer.body)).toBe(200);
  const invoice = answer.body.invoice as {
    lago_id: string;
    number: string;
    fees: Array<{ lago_id: string }>;
  };
  return { organizationId: organization.id, apiKey, invoice, feeId: invoice.fees[0]?.lago_id as string };
}

type ShownNote = Record<string, unknown> & { lago_id: string; number: string; file_url: string | null };

async function creditNote(apiKey: string, invoiceId: string, feeId: string): Promise<ShownNote> {
  const answer = await invoicing("POST /api/v1/credit_notes", {
    apiKey,
    at: AT,
    body: {
      credit_note: {
        invoice_id: invoiceId,
        reason: "order_change",
        items: [{ fee_id: feeId, amount_cents: 4_000 }],
        credit_amount_cents: 4_000,
      },
    },
  });
  expect(answer.status, JSON.stringify(answer.body)).toBe(200);
  return answer.body.credit_note as ShownNote;
}

const download = (apiKey: string, lagoId: string) =>
  invoicing("POST /api/v1/credit_notes/{lago_id}/download", { apiKey, params: { lago_id: lagoId }, at: AT });

/** The PDF behind a presigned URL, fetched as any client would, and its text. */
async function openPdf(url: string) {
  const response = await fetch(url);
  expect(response.status).toBe(200);
  expect(response.headers.get("content-type")).toBe("application/pdf");
  const pdf = await getDocumentProxy(new Uint8Array(await response.arrayBuffer()));
  const { text } = await extractText(pdf, { mergePages: true });
  return text.replace(/\s+/g, " ");
}

describe("credit note PDFs", () => {
  it("renders a note off the request path once, owes credit_note.generated once, then serves it presigned", async () => {
    const { apiKey, organizationId, invoice, feeId } = await creditedInvoice("Acme Credits");
    const note = await creditNote(apiKey, invoice.lago_id, feeId);
    expect(note.file_url).toBeNull();
    expect((await eventsOfNote(note.lago_id)).map((event) => event.type)).toEqual(["credit_note.created"]);

    // Two downloads before the renderer runs: both answered at once, empty, as Lago's job answers.
    for (let attempt = 0; attempt < 2; attempt++)
      expect(await download(apiKey, note.lago_id)).toEqual({ status: 200, body: {} });
    expect(await documentsWaiting()).toBe(2);
    expect(await deliverDocuments()).toBe(2);

    const stored = await new CreditNoteStore().get(organizationId, note.lago_id);
    expect(stored?.fileKey).toBe(`credit_notes/${organizationId}/${note.lago_id}.pdf`);
    expect(stored?.fileKey).toBe(creditNoteFileKey(organizationId, note.lago_id));
    const owner = await new InvoiceStore().get(organizationId, invoice.lago_id);
    expect(owner?.pendingEvents ?? new Set()).toEqual(new Set());
    // Owed once; a copy the bus delivers again carries the same unique key, which consumers drop.
    const generated = (await eventsOfNote(note.lago_id)).filter(
      (event) => event.type === "credit_note.generated",
    );
    expect(generated.length).toBeGreaterThan(0);
    expect(new Set(generated.map((event) => event.uniqueKey)).size).toBe(1);
    expect(generated[0]?.detail).toMatchObject({
      webhook_type: "credit_note.generated",
      object_type: "credit_note",
      credit_note: { lago_id: note.lago_id, file_url: expect.stringContaining(".pdf") },
    });

    // A download now answers the note with its presigned URL, and queues nothing.
    const answered = await download(apiKey, note.lago_id);
    expect(answered.status).toBe(200);
    const shown = answered.body.credit_note as ShownNote;
    expect(shown.file_url).toEqual(expect.stringContaining("X-Amz-Signature="));
    expect({ ...shown, file_url: null }).toEqual({ ...note, updated_at: shown.updated_at });
    expect(await documentsWaiting()).toBe(0);
    const got = await invoicing("GET /api/v1/credit_notes/{lago_id}", {
      apiKey,
      params: { lago_id: note.lago_id },
      at: AT,
    });
    expect((got.body.credit_note as ShownNote).file_url).toEqual(expect.stringContaining(".pdf"));

    const text = await openPdf(shown.file_url as string);
    for (const expected of [
      "Credit note",
      note.number,
      invoice.number,
      "Acme Credits SAS",
      "Globex Corporation",
      "Priority support",
      "€40.00",
      "Credited on customer balance",
    ])
      expect(text).toContain(expected);

    // Rendered again (a redelivered message): nothing more is stored or owed.
    const redelivered = {
      kind: "render_credit_note",
      organizationId,
      creditNoteId: note.lago_id,
      requestedAt: AT,
    } satisfies DocumentMessage;
    await documentsRenderer(sqsEvent([JSON.stringify(redelivered)]), testContext());
    const after = (await eventsOfNote(note.lago_id)).filter(
      (event) => event.type === "credit_note.generated",
    );
    expect(new Set(after.map((event) => event.uniqueKey))).toEqual(
      new Set(generated.map((event) => event.uniqueKey)),
    );
    expect((await new CreditNoteStore().get(organizationId, note.lago_id))?.fileKey).toBe(stored?.fileKey);
  });

  it("is 404 credit_note_not_found for an unknown note and another organization's", async () => {
    const { apiKey, invoice, feeId } = await creditedInvoice("Initech Credits");
    const note = await creditNote(apiKey, invoice.lago_id, feeId);
    const other = await createOrganization(new OrganizationStore(), { name: "Stranger Credits", now: AT });
    for (const [key, id] of [
      [apiKey, "00000000-0000-4000-8000-000000000000"],
      [other.apiKey, note.lago_id],
    ] as const)
      expect(await download(key, id)).toEqual({
        status: 404,
        body: { status: 404, error: "Not Found", code: "credit_note_not_found" },
      });
    expect(await documentsWaiting()).toBe(0);
  });
});
