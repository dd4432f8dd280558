import { extractText, getDocumentProxy } from "unpdf";
import { describe, expect, it } from "vitest";
import type { DocumentRow, RenderableDocument } from "./document-model.js";
import { renderDocumentPdf } from "./render-document-pdf.js";

const row = (index: number): DocumentRow => ({
  cells: [`Charge ${index}`, "2", "€1.50", "20%", `€${index}.00`],
  details: ["Jul 1, 2026 – Jul 31, 2026", "Taxes 20%: €0.60"],
});

const document = (rows: readonly DocumentRow[]): RenderableDocument => ({
  title: "Invoice",
  reference: "ACM-001-007",
  issuer: { heading: "Acme Cloud", lines: ["1 rue de la Paix", "75002 Paris"] },
  recipient: { heading: "Łódź Gőzmozdony Ltd", lines: ["Москва", "Zürich"] },
  fields: [{ label: "Issuing date", value: "Aug 4, 2026" }],
  notes: ["Billing period: Jul 1, 2026 – Jul 31, 2026 (Europe/Paris, UTC+2)"],
  columns: [
    { label: "Item", align: "left", width: 0.42 },
    { label: "Units", align: "right", width: 0.12 },
    { label: "Unit amount", align: "right", width: 0.16 },
    { label: "Tax rate", align: "right", width: 0.1 },
    { label: "Amount", align: "right", width: 0.2 },
  ],
  rows,
  summary: [
    { label: "Taxes", value: "€6.00", emphasis: false },
    { label: "Total due", value: "€36.00", emphasis: true },
  ],
  issuedAt: "2026-08-04T07:00:00.000Z",
});

async function textOf(bytes: Uint8Array) {
  const pdf = await getDocumentProxy(new Uint8Array(bytes));
  const pages = await extractText(pdf, { mergePages: false });
  return { pages: pages.totalPages, text: pages.text.map((page) => page.replace(/\s+/g, " ")) };
}

describe("a document as a PDF", () => {
  it("prints its parties, fields, rows and summary, as text a reader can extract", async () => {
    const { pages, text } = await textOf(await renderDocumentPdf(document([row(1), row(2)])));
    expect(pages).toBe(1);
    const [page] = text;
    for (const expected of [
      "Invoice",
      "ACM-001-007",
      "Acme Cloud",
      "75002 Paris",
      "Aug 4, 2026",
      "(Europe/Paris, UTC+2)",
      "Charge 1",
      "Charge 2",
      "€2.00",
      "Taxes 20%: €0.60",
      "Total due",
      "€36.00",
      "Page 1 of 1",
    ])
      expect(page).toContain(expected);
    // Beyond Latin-1: base letters where they exist (Ł → L, ź → z, ő → o), "?" elsewhere; Latin-1 kept.
    expect(page).toContain("Lódz Gozmozdony Ltd");
    expect(page).toContain("??????");
    expect(page).toContain("Zürich");
  });

  it("flows many rows onto further pages, each repeating the table's header", async () => {
    const rows = Array.from({ length: 50 }, (_, index) => row(index + 1));
    const { pages, text } = await textOf(await renderDocumentPdf(document(rows)));
    expect(pages).toBeGreaterThan(1);
    const all = text.join(" ");
    for (let index = 1; index <= 50; index++) expect(all).toContain(`Charge ${index} `);
    expect(text.at(-1)).toContain("Total due");
    for (const [index, page] of text.entries()) {
      expect(page).toContain(`Page ${index + 1} of ${pages}`);
      if (index > 0) expect(page).toContain("ACM-001-007 (continued)");
    }
    expect(text[1]).toContain("Unit amount");
  });

  it("prints the same bytes for the same document", async () => {
    const once = await renderDocumentPdf(document([row(1)]));
    const twice = await renderDocumentPdf(document([row(1)]));
    expect(Buffer.from(once).equals(Buffer.from(twice))).toBe(true);
  });
});
