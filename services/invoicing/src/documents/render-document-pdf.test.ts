import fontkit from "@pdf-lib/fontkit";
import { decodePDFRawStream, PDFDict, PDFDocument, PDFName, PDFRawStream } from "pdf-lib";
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

/** The base names of the fonts the PDF embeds (pdf-lib suffixes each with a number). */
async function fontsOf(bytes: Uint8Array): Promise<string[]> {
  const pdf = await PDFDocument.load(bytes);
  const names: string[] = [];
  for (const [, object] of pdf.context.enumerateIndirectObjects()) {
    if (!(object instanceof PDFDict) || object.get(PDFName.of("Type")) !== PDFName.of("Font")) continue;
    if (object.get(PDFName.of("Subtype")) === PDFName.of("Type0")) continue; // its descendant names it too
    names.push(String(object.get(PDFName.of("BaseFont"))).replace(/^\/(.*)-\d+$/, "$1"));
  }
  return names.sort();
}

/** Each font program the PDF embeds (its subsets), parsed. */
async function embeddedFonts(bytes: Uint8Array) {
  const pdf = await PDFDocument.load(bytes);
  const fonts = [];
  for (const [, object] of pdf.context.enumerateIndirectObjects()) {
    if (!(object instanceof PDFDict) || !(object.get(PDFName.of("FontFile2")) instanceof Object)) continue;
    const program = pdf.context.lookup(object.get(PDFName.of("FontFile2")));
    if (program instanceof PDFRawStream) fonts.push(fontkit.create(decodePDFRawStream(program).decode()));
  }
  return fonts;
}

/** A customer and fees in each script the fonts cover beyond Latin. */
const international = (): RenderableDocument => ({
  ...document([
    { cells: ["Услуги хранения данных", "2", "€1.50", "20%", "€3.00"], details: ["Налоги 20%: €0.60"] },
    { cells: ["Υπηρεσίες νέφους", "1", "€2.00", "20%", "€2.00"], details: [] },
    { cells: ["クラウド利用料", "3", "¥100", "10%", "¥300"], details: ["東京都渋谷区"] },
    { cells: ["云存储服务", "1", "€4.00", "20%", "€4.00"], details: [] },
    { cells: ["클라우드 사용료", "5", "₩1,000", "10%", "₩5,000"], details: [] },
  ]),
  recipient: {
    heading: "Иван Петров",
    lines: ["Σοφία Παπαδοπούλου", "株式会社テスト", "北京公司", "주식회사 서울"],
  },
});

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
    // Latin Extended and Cyrillic are the base font's own: printed as written.
    expect(page).toContain("Łódź Gőzmozdony Ltd");
    expect(page).toContain("Москва");
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

  it("prints Cyrillic, Greek, Japanese, Chinese and Korean names as written, in the fonts that have them", async () => {
    const bytes = await renderDocumentPdf(international());
    const { text } = await textOf(bytes);
    const [page] = text;
    for (const expected of [
      "Иван Петров",
      "Σοφία Παπαδοπούλου",
      "株式会社テスト",
      "北京公司",
      "주식회사 서울",
      "Услуги хранения данных",
      "Налоги 20%: €0.60",
      "Υπηρεσίες νέφους",
      "クラウド利用料",
      "東京都渋谷区",
      "云存储服务",
      "클라우드 사용료",
      "¥300",
      "₩5,000",
      "Total due",
      "€36.00",
    ])
      expect(page).toContain(expected);
    expect(await fontsOf(bytes)).toEqual([
      "NotoSans-Bold",
      "NotoSans-Regular",
      "NotoSansKR-Regular",
      "NotoSansSC-Regular",
    ]);
  });

  it("embeds subsets whose every glyph has its outline (a broken subset prints blank glyphs that still extract)", async () => {
    const fonts = await embeddedFonts(await renderDocumentPdf(international()));
    expect(fonts).toHaveLength(4);
    for (const font of fonts) {
      expect(font.numGlyphs).toBeGreaterThan(5);
      // Glyph 0 is .notdef; a space has no outline and is the only glyph without one.
      const blank = Array.from({ length: font.numGlyphs - 1 }, (_, index) => font.getGlyph(index + 1)).filter(
        (glyph) => glyph.path.toSVG() === "",
      );
      expect(blank.length).toBeLessThanOrEqual(1);
    }
  });

  it("embeds no CJK font for a document without CJK text, only subsets of the base fonts", async () => {
    const latin = await renderDocumentPdf(document([row(1), row(2)]));
    expect(await fontsOf(latin)).toEqual(["NotoSans-Bold", "NotoSans-Regular"]);
    // Subsets: the two base font files alone are over 1.2 MB.
    expect(latin.length).toBeLessThan(60_000);
    const chinese = await renderDocumentPdf({
      ...document([row(1)]),
      recipient: { heading: "北京公司", lines: [] },
    });
    expect(await fontsOf(chinese)).toEqual(["NotoSans-Bold", "NotoSans-Regular", "NotoSansSC-Regular"]);
    // Four ideographs of a 10 MB font.
    expect(chinese.length - latin.length).toBeLessThan(30_000);
  });

  it('prints what no font has (emoji, scripts beyond the fonts) as its decomposition or "?"', async () => {
    const bytes = await renderDocumentPdf({
      ...document([row(1)]),
      recipient: { heading: "Café 🚀 𝐀𝐁 שלום", lines: [] },
    });
    const { text } = await textOf(bytes);
    expect(text[0]).toContain("Café ? AB ????");
    // The fallbacks have none of these either: none is embedded.
    expect(await fontsOf(bytes)).toEqual(["NotoSans-Bold", "NotoSans-Regular"]);
  });
});
