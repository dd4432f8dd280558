/**
 * Invoice PDFs through lago-javascript-client against the local runtime: `downloadInvoice` of a
 * finalized invoice answers at once while the runtime's documents renderer makes the PDF, then the
 * invoice with a presigned `file_url` that opens the PDF from the emulator; another organization's
 * invoice is Lago's 404.
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
  await lago.taxes.createTax({ tax: { name: "VAT", code: "vat_pdf", rate: "20" } });
  await lago.addOns.createAddOn({
    add_on: {
      name: "Onboarding workshop",
      code: "workshop_pdf",
      amount_cents: 20_000,
      amount_currency: "EUR",
      tax_codes: ["vat_pdf"],
    },
  });
  await lago.customers.createCustomer({
    customer: {
      external_id: "cus_pdf",
      name: "Umbrella Corporation",
      currency: "EUR",
      address_line1: "545 S Birdneck Rd",
      city: "Raccoon City",
    },
  });
});
afterAll(() => runtime?.stop());

describe("invoice PDFs in Lago's shape", () => {
  it("downloads a finalized invoice: rendered off the request, then served presigned", async () => {
    const created = await lago.invoices.createInvoice({
      invoice: {
        external_customer_id: "cus_pdf",
        currency: "EUR",
        fees: [{ add_on_code: "workshop_pdf", units: 2 }],
      },
    });
    const invoice = created.data.invoice;
    expect(invoice.file_url).toBeNull();

    // Lago answers 200 with no body while its job renders the PDF.
    const first = await lago.invoices.downloadInvoice(invoice.lago_id);
    expect(first.status).toBe(200);
    expect(first.data ?? null).toBeNull();
    expect((await control(runtime, "/_local/drain")).body).toEqual({ drained: true });

    const stored = await lago.invoices.downloadInvoice(invoice.lago_id);
    const url = stored.data.invoice.file_url;
    expect(url).toEqual(expect.stringContaining("X-Amz-Signature="));
    expect({ ...stored.data.invoice, file_url: null, updated_at: null }).toEqual({
      ...invoice,
      updated_at: null,
    });
    const found = await lago.invoices.findInvoice(invoice.lago_id);
    expect(found.data.invoice.file_url).toEqual(expect.stringContaining(".pdf"));

    const response = await fetch(url as string);
    expect(response.headers.get("content-type")).toBe("application/pdf");
    const pdf = await getDocumentProxy(new Uint8Array(await response.arrayBuffer()));
    const { text } = await extractText(pdf, { mergePages: true });
    const printed = text.replace(/\s+/g, " ");
    // 2 × 200.00 = 400.00, 20% VAT 80.00, total 480.00.
    for (const expected of [
      invoice.number,
      "Umbrella Corporation",
      "545 S Birdneck Rd",
      "Onboarding workshop",
      "€400.00",
      "VAT (20% on €400.00)",
      "€80.00",
      "€480.00",
    ])
      expect(printed).toContain(expected);

    expect(await lagoError(stranger.invoices.downloadInvoice(invoice.lago_id))).toEqual(
      notFoundError("invoice"),
    );
  });
});
