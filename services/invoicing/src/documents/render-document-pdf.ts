/**
 * Prints any `RenderableDocument` (an invoice today, a credit note next) as an A4 PDF with
 * pdf-lib: the title and reference, the two parties side by side, the fields and notes, the table
 * (rows flow onto further pages, each repeating the table's header) and the summary, "Page n of
 * N" at the foot of each page.
 *
 * The text is set in PDF's standard Helvetica, which every reader has and nothing needs to be
 * bundled for; it encodes WinAnsi (Latin-1 and a few more: €, –, •). Any other character is
 * printed as its base letter when it has one (ő → o, ł → l) and as "?" otherwise (Cyrillic,
 * CJK), so a name beyond Latin-1 never fails a render.
 */
import { PDFDocument, type PDFFont, type PDFPage, rgb, StandardFonts } from "pdf-lib";
import type { DocumentColumn, DocumentRow, RenderableDocument } from "./document-model.js";

const PAGE = { width: 595.28, height: 841.89 } as const;
const MARGIN = 48;
const CONTENT_WIDTH = PAGE.width - 2 * MARGIN;
const BOTTOM = MARGIN + 24;
const SIZE = { title: 20, heading: 10, body: 9, detail: 7.5, footer: 7.5 } as const;
const LINE = { body: 12, detail: 10 } as const;
const GREY = rgb(0.4, 0.4, 0.4);
const RULE = rgb(0.8, 0.8, 0.8);

/** Letters with no WinAnsi form that decomposition does not reduce to one. */
const BASE_LETTERS: Readonly<Record<string, string>> = {
  ł: "l",
  Ł: "L",
  đ: "d",
  Đ: "D",
  ı: "i",
  ħ: "h",
  Ħ: "H",
};

/** Text as `font` can encode it: each character kept, reduced to its base letter, or "?". */
function printable(text: string, supported: ReadonlySet<number>): string {
  let out = "";
  for (const char of text) {
    const code = char.codePointAt(0) ?? 0;
    if (supported.has(code)) out += char;
    else if (/\s/u.test(char)) out += " ";
    else {
      const base = BASE_LETTERS[char] ?? char.normalize("NFKD").replace(/\p{M}/gu, "");
      out += [...base].every((part) => supported.has(part.codePointAt(0) ?? 0)) && base !== "" ? base : "?";
    }
  }
  return out;
}

interface Fonts {
  readonly regular: PDFFont;
  readonly bold: PDFFont;
  readonly supported: ReadonlySet<number>;
}

/** Cuts `text` into lines no wider than `width` at `size`, at spaces where it can. */
function wrap(text: string, font: PDFFont, size: number, width: number): string[] {
  const lines: string[] = [];
  let current = "";
  for (const word of text.split(" ")) {
    const candidate = current === "" ? word : `${current} ${word}`;
    if (font.widthOfTextAtSize(candidate, size) <= width) {
      current = candidate;
      continue;
    }
    if (current !== "") lines.push(current);
    // A word wider than the line is cut where it overflows.
    let rest = word;
    while (font.widthOfTextAtSize(rest, size) > width && rest.length > 1) {
      let cut = rest.length - 1;
      while (cut > 1 && font.widthOfTextAtSize(rest.slice(0, cut), size) > width) cut--;
      lines.push(rest.slice(0, cut));
      rest = rest.slice(cut);
    }
    current = rest;
  }
  if (current !== "" || lines.length === 0) lines.push(current);
  return lines;
}

/** Writes pages top to bottom, starting a new one when the next block does not fit. */
class PageWriter {
  page: PDFPage;
  y: number;
  readonly pages: PDFPage[] = [];

  /** What a further page starts with (the document's name, the table's header while in the table). */
  onNewPage: (writer: PageWriter) => void = () => undefined;

  constructor(
    private readonly pdf: PDFDocument,
    private readonly fonts: Fonts,
  ) {
    this.page = this.addPage();
    this.y = PAGE.height - MARGIN;
  }

  private addPage(): PDFPage {
    const page = this.pdf.addPage([PAGE.width, PAGE.height]);
    this.pages.push(page);
    return page;
  }

  /** Makes room for `height`, on a new page (with its repeated header) if this one is full. */
  ensure(height: number): void {
    if (this.y - height >= BOTTOM) return;
    this.page = this.addPage();
    this.y = PAGE.height - MARGIN;
    this.onNewPage(this);
  }

  text(text: string, x: number, options: { size: number; bold?: boolean; color?: typeof GREY; y?: number }) {
    this.page.drawText(printable(text, this.fonts.supported), {
      x,
      y: options.y ?? this.y,
      size: options.size,
      font: options.bold ? this.fonts.bold : this.fonts.regular,
      ...(options.color ? { color: options.color } : {}),
    });
  }

  /** `text` right-aligned on `right`. */
  textRight(text: string, right: number, options: { size: number; bold?: boolean; y?: number }) {
    const shown = printable(text, this.fonts.supported);
    const font = options.bold ? this.fonts.bold : this.fonts.regular;
    this.text(shown, right - font.widthOfTextAtSize(shown, options.size), options);
  }

  rule(): void {
    this.page.drawLine({
      start: { x: MARGIN, y: this.y },
      end: { x: PAGE.width - MARGIN, y: this.y },
      thickness: 0.5,
      color: RULE,
    });
  }
}

/** Each column's left and right edges, from its share of the width. */
function columnEdges(columns: readonly DocumentColumn[]): Array<{ left: number; right: number }> {
  let left = MARGIN;
  return columns.map((column) => {
    const edges = { left, right: left + column.width * CONTENT_WIDTH };
    left = edges.right;
    return edges;
  });
}

const CELL_PADDING = 4;

function drawTableHeader(writer: PageWriter, document: RenderableDocument): void {
  const edges = columnEdges(document.columns);
  writer.ensure(LINE.body * 2);
  writer.y -= LINE.body;
  for (const [index, column] of document.columns.entries()) {
    const edge = edges[index] as { left: number; right: number };
    if (column.align === "right") writer.textRight(column.label, edge.right, { size: SIZE.body, bold: true });
    else writer.text(column.label, edge.left, { size: SIZE.body, bold: true });
  }
  writer.y -= 4;
  writer.rule();
}

function drawRow(writer: PageWriter, fonts: Fonts, document: RenderableDocument, row: DocumentRow): void {
  const edges = columnEdges(document.columns);
  const first = edges[0] as { left: number; right: number };
  const nameWidth = first.right - first.left - CELL_PADDING;
  const nameLines = wrap(printable(row.cells[0] ?? "", fonts.supported), fonts.regular, SIZE.body, nameWidth);
  const detailLines = row.details.flatMap((detail) =>
    wrap(printable(detail, fonts.supported), fonts.regular, SIZE.detail, nameWidth),
  );
  const height = nameLines.length * LINE.body + detailLines.length * LINE.detail + 6;
  writer.ensure(height);
  writer.y -= LINE.body;
  const top = writer.y;
  for (const [index, column] of document.columns.entries()) {
    if (index === 0) continue;
    const edge = edges[index] as { left: number; right: number };
    const cell = row.cells[index] ?? "";
    if (column.align === "right") writer.textRight(cell, edge.right, { size: SIZE.body, y: top });
    else writer.text(cell, edge.left, { size: SIZE.body, y: top });
  }
  for (const [index, line] of nameLines.entries()) {
    if (index > 0) writer.y -= LINE.body;
    writer.text(line, first.left, { size: SIZE.body });
  }
  for (const line of detailLines) {
    writer.y -= LINE.detail;
    writer.text(line, first.left + 6, { size: SIZE.detail, color: GREY });
  }
  writer.y -= 6;
  writer.rule();
}

/** The two parties side by side: the issuer on the left, the recipient on the right. */
function drawParties(writer: PageWriter, document: RenderableDocument): void {
  const half = CONTENT_WIDTH / 2;
  const blocks = [
    { x: MARGIN, label: "From", party: document.issuer },
    { x: MARGIN + half, label: "Bill to", party: document.recipient },
  ];
  const top = writer.y;
  let lowest = top;
  for (const block of blocks) {
    let y = top;
    writer.text(block.label, block.x, { size: SIZE.detail, color: GREY, y });
    y -= LINE.body;
    writer.text(block.party.heading, block.x, { size: SIZE.heading, bold: true, y });
    for (const line of block.party.lines) {
      y -= LINE.body;
      writer.text(line, block.x, { size: SIZE.body, y });
    }
    lowest = Math.min(lowest, y);
  }
  writer.y = lowest - LINE.body * 1.5;
}

/** The document as PDF bytes. The same document always prints the same bytes (its dates are its own). */
export async function renderDocumentPdf(document: RenderableDocument): Promise<Uint8Array> {
  const pdf = await PDFDocument.create({ updateMetadata: false });
  const issuedAt = new Date(document.issuedAt);
  pdf.setTitle(`${document.title} ${document.reference}`);
  pdf.setAuthor(document.issuer.heading);
  pdf.setProducer("serverless-billing");
  pdf.setCreator("serverless-billing");
  pdf.setCreationDate(issuedAt);
  pdf.setModificationDate(issuedAt);
  const regular = await pdf.embedFont(StandardFonts.Helvetica);
  const fonts: Fonts = {
    regular,
    bold: await pdf.embedFont(StandardFonts.HelveticaBold),
    supported: new Set(regular.getCharacterSet()),
  };
  const writer = new PageWriter(pdf, fonts);
  const continued = (next: PageWriter) => {
    next.text(`${document.title} ${document.reference} (continued)`, MARGIN, { size: SIZE.body, bold: true });
    next.y -= LINE.body;
  };
  writer.onNewPage = continued;

  // Title and reference.
  writer.y -= SIZE.title;
  writer.text(document.title, MARGIN, { size: SIZE.title, bold: true });
  writer.textRight(document.reference, PAGE.width - MARGIN, { size: SIZE.heading, bold: true });
  writer.y -= LINE.body * 2;
  drawParties(writer, document);

  for (const field of document.fields) {
    writer.ensure(LINE.body);
    writer.text(field.label, MARGIN, { size: SIZE.body, color: GREY });
    writer.text(field.value, MARGIN + 110, { size: SIZE.body });
    writer.y -= LINE.body;
  }
  if (document.notes.length > 0) writer.y -= LINE.body / 2;
  for (const note of document.notes) {
    for (const line of wrap(printable(note, fonts.supported), regular, SIZE.body, CONTENT_WIDTH)) {
      writer.ensure(LINE.body);
      writer.text(line, MARGIN, { size: SIZE.body });
      writer.y -= LINE.body;
    }
  }

  drawTableHeader(writer, document);
  writer.onNewPage = (next) => {
    continued(next);
    drawTableHeader(next, document);
  };
  for (const row of document.rows) drawRow(writer, fonts, document, row);
  writer.onNewPage = continued;

  // The summary, right-aligned under the table; it may flow too (it repeats no table header then).
  writer.y -= LINE.body;
  const labelRight = PAGE.width - MARGIN - 110;
  for (const line of document.summary) {
    writer.ensure(LINE.body + 4);
    writer.y -= LINE.body;
    writer.textRight(line.label, labelRight, { size: SIZE.body, bold: line.emphasis });
    writer.textRight(line.value, PAGE.width - MARGIN, { size: SIZE.body, bold: line.emphasis });
  }

  const total = writer.pages.length;
  for (const [index, page] of writer.pages.entries()) {
    const label = `${document.title} ${document.reference} - Page ${index + 1} of ${total}`;
    const shown = printable(label, fonts.supported);
    page.drawText(shown, {
      x: PAGE.width - MARGIN - regular.widthOfTextAtSize(shown, SIZE.footer),
      y: MARGIN - 12,
      size: SIZE.footer,
      font: regular,
      color: GREY,
    });
  }
  return pdf.save({ useObjectStreams: true });
}
