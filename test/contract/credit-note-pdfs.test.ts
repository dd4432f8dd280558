/**
 * Credit note PDFs through lago-javascript-client against the local runtime: `downloadCreditNote`
 * answers at once while the runtime's documents renderer makes the PDF, then the note with a
 * presigned `file_url` that opens the PDF from the emulator; another organization's note is
 * Lago's 404.
 */
import { extractText, getDocumentProxy } from "unpdf";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { LocalRuntime } from "../../infra/local/runtime.js";
import { control, type Lago, lagoError, notFoundError, startContractRuntime } from "../support/lago.js";

let runtime: LocalRuntime;
let lago: Lago;
let stranger: Lago;

beforeAll(async () => {
  ({ runtime, lago, stranger } = await startContractRuntime());
  await lago.addOns.createAddOn({
    add_on: { name: "Migration service", code: "migration_cn", amount_cents: 30_000, amount_currency: "EUR" },
  });
  await lago.customers.createCustomer({
    customer: { external_id: "cus_cn_pdf", name: "Wayne Enterprises", currency: "EUR" },
  });
});
afterAll(() => runtime?.stop());

describe("credit note PDFs in Lago's shape", () => {
  it("downloads a credit note: rendered off the request, then served presigned", async () => {
    const invoice = (
      await lago.invoices.createInvoice({
        invoice: {
          external_customer_id: "cus_cn_pdf",
          currency: "EUR",
          fees: [{ add_on_code: "migration_cn" }],
        },
      })
    ).data.invoice;
    const feeId = invoice.fees?.[0]?.lago_id as string;
    const note = (
      await lago.creditNotes.createCreditNote({
        credit_note: {
          invoice_id: invoice.lago_id,
          reason: "product_unsatisfactory",
          items: [{ fee_id: feeId, amount_cents: 12_500 }],
          credit_amount_cents: 12_500,
        } as never,
      })
    ).data.credit_note;
    expect(note.file_url).toBeNull();

    // Lago answers 200 with no body while its job renders the PDF.
    const first = await lago.creditNotes.downloadCreditNote(note.lago_id);
    expect(first.status).toBe(200);
    expect(first.data ?? null).toBeNull();
    expect((await control(runtime, "/_local/drain")).body).toEqual({ drained: true });

    const stored = (await lago.creditNotes.downloadCreditNote(note.lago_id)).data.credit_note;
    const url = stored.file_url;
    expect(url).toEqual(expect.stringContaining("X-Amz-Signature="));
    expect({ ...stored, file_url: null, updated_at: null }).toEqual({ ...note, updated_at: null });
    const found = await lago.creditNotes.findCreditNote(note.lago_id);
    expect(found.data.credit_note.file_url).toEqual(expect.stringContaining(".pdf"));

    const response = await fetch(url as string);
    expect(response.headers.get("content-type")).toBe("application/pdf");
    const pdf = await getDocumentProxy(new Uint8Array(await response.arrayBuffer()));
    const { text } = await extractText(pdf, { mergePages: true });
    const printed = text.replace(/\s+/g, " ");
    for (const expected of [note.number, invoice.number, "Wayne Enterprises", "Migration service", "€125.00"])
      expect(printed).toContain(expected);

    expect(await lagoError(stranger.creditNotes.downloadCreditNote(note.lago_id))).toEqual(
      notFoundError("credit_note"),
    );
  });
});
