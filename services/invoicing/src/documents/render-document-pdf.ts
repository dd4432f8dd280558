/**
 * Prints any `RenderableDocument` (an invoice today, a credit note next) as an A4 PDF with
 * pdf-lib: the title and reference, the two parties side by side, the fields and notes, the table
 * (rows flow onto further pages, each repeating the table's header) and the summary, "Page n of
 * N" at the foot of each page.
 *
 * The text is set in Noto Sans (Latin with its extensions, Cyrillic, Greek), regular and bold, and
 * each character it lacks in the first fallback font that has it: Noto Sans SC (Chinese, Japanese
 * kana and kanji), then Noto Sans KR (Korean hangul), in regular only (a bold CJK run prints in
 * the regular weight). A fallback font is read and embedded only when the document's text needs
 * it, so a Latin document carries none. Every font is embedded as a subset (only the glyphs
 * used), with its Unicode map, so the text extracts back as it was written.
 */
import { PDFDocument, type PDFFont, type PDFPage, rgb } from "pdf-lib";
import { documentFont, documentFontkit, type LoadedFont } from "./document-fonts.js";
import type { DocumentColumn, DocumentRow, RenderableDocument } from "./document-model.js";
import type { FontName } from "./font-files.js";

const PAGE = { width: 595.28, height: 841.89 } as const;
const MARGIN = 48;
const CONTENT_WIDTH = PAGE.width - 2 * MARGIN;
const BOTTOM = MARGIN + 24;
const SIZE = { title: 20, heading: 10, body: 9, detail: 7.5, footer: 7.5 } as const;
const LINE = { body: 12, detail: 10 } as const;
const GREY = rgb(0.4, 0.4, 0.4);
const RULE = rgb(0.8, 0.8, 0.8);

/** The fonts tried, in order, for a character the base fonts lack. */
const FALLBACKS: readonly FontName[] = ["cjk", "hangul"];

/**
 * A character that no embedded font has (emoji, and scripts beyond the fonts: Arabic, Hebrew,
 * Thai, Devanagari, …) is printed as its compatibility decomposition when the base font has all of
 * it (𝐀 → A, ﬀ → ff) and as "?" otherwise, so such a name never fails a render nor prints an empty
 * box; whitespace of any kind prints as a space.
 */
function printable(char: string, covers: (codePoint: number) => boolean): string {
  if (/\s/u.test(char)) return " ";
  const base = char.normalize("NFKD").replace(/\p{M}/gu, "");
  return base !== "" && [...base].every((part) => covers(part.codePointAt(0) ?? 0)) ? base : "?";
}

/** A stretch of text set in one font. */
interface Run {
  text: string;
  readonly font: PDFFont;
}

/** The document's fonts: the base pair, and the fallbacks its text needs, in order. */
class Fonts {
  constructor(
    readonly regular: PDFFont,
    readonly bold: PDFFont,
    private readonly base: LoadedFont,
    private readonly fallbacks: ReadonlyArray<{ readonly font: PDFFont; readonly loaded: LoadedFont }>,
  ) {}

  /** `text` cut into runs, each in the first font that has its characters. */
  runs(text: string, bold = false): Run[] {
    const primary = bold ? this.bold : this.regular;
    const runs: Run[] = [];
    for (const char of text.normalize("NFC")) {
      const codePoint = char.codePointAt(0) ?? 0;
      const last = runs.at(-1);
      let font = primary;
      let shown = char;
      if (/\s/u.test(char)) {
        // A space stays in the fallback run it follows (they all have one), so "北京 公司" is one run.
        shown = " ";
        if (last) font = last.font;
      } else if (!this.base.covers(codePoint)) {
        const fallback = this.fallbacks.find((candidate) => candidate.loaded.covers(codePoint));
        if (fallback) font = fallback.font;
        else shown = printable(char, this.base.covers);
      }
      if (last && last.font === font) last.text += shown;
      else runs.push({ text: shown, font });
    }
    return runs;
  }

  width(text: string, size: number, bold = false): number {
    return this.runs(text, bold).reduce((sum, run) => sum + run.font.widthOfTextAtSize(run.text, size), 0);
  }
}

/**
 * Embeds the base fonts, and each fallback font that has a character of `texts` the ones before it
 * lack; the fallbacks are read (once per container) only when the base fonts lack something, and
 * one that has none of it is not embedded (an emoji alone embeds no CJK font).
 */
async function embedFonts(pdf: PDFDocument, texts: Iterable<string>): Promise<Fonts> {
  pdf.registerFontkit(documentFontkit);
  const base = documentFont("regular");
  const regular = await pdf.embedFont(base.bytes, { subset: true });
  const bold = await pdf.embedFont(documentFont("bold").bytes, { subset: true });
  let missing = new Set<number>();
  for (const text of texts)
    for (const char of text.normalize("NFC")) {
      const codePoint = char.codePointAt(0) ?? 0;
      if (!/\s/u.test(char) && !base.covers(codePoint)) missing.add(codePoint);
    }
  const fallbacks: Array<{ font: PDFFont; loaded: LoadedFont }> = [];
  for (const name of FALLBACKS) {
    if (missing.size === 0) break;
    const loaded = documentFont(name);
    const rest = new Set([...missing].filter((codePoint) => !loaded.covers(codePoint)));
    if (rest.size === missing.size) continue;
    fallbacks.push({ font: await pdf.embedFont(loaded.bytes, { subset: true }), loaded });
    missing = rest;
  }
  return new Fonts(regular, bold, base, fallbacks);
}

/**
 * Cuts `text` into lines no wider than `width` as `measure` measures them, at spaces where it can
 * and between characters otherwise (CJK text has no spaces).
 */
function wrap(text: string, measure: (text: string) => number, width: number): string[] {
  const lines: string[] = [];
  let current = "";
  for (const word of text.split(" ")) {
    const candidate = current === "" ? word : `${current} ${word}`;
    if (measure(candidate) <= width) {
      current = candidate;
      continue;
    }
    if (current !== "") lines.push(current);
    // A word wider than the line is cut where it overflows, between code points.
    let rest = [...word];
    while (rest.length > 1 && measure(rest.join("")) > width) {
      let cut = rest.length - 1;
      while (cut > 1 && measure(rest.slice(0, cut).join("")) > width) cut--;
      lines.push(rest.slice(0, cut).join(""));
      rest = rest.slice(cut);
    }
    current = rest.join("");
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
    let left = x;
    for (const run of this.fonts.runs(text, options.bold)) {
      this.page.drawText(run.text, {
        x: left,
        y: options.y ?? this.y,
        size: options.size,
        font: run.font,
        ...(options.color ? { color: options.color } : {}),
      });
      left += run.font.widthOfTextAtSize(run.text, options.size);
    }
  }

  /** `text` right-aligned on `right`. */
  textRight(
    text: string,
    right: number,
    options: { size: number; bold?: boolean; color?: typeof GREY; y?: number },
  ) {
    this.text(text, right - this.fonts.width(text, options.size, options.bold), options);
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
  const nameLines = wrap(row.cells[0] ?? "", (text) => fonts.width(text, SIZE.body), nameWidth);
  const detailLines = row.details.flatMap((detail) =>
    wrap(detail, (text) => fonts.width(text, SIZE.detail), nameWidth),
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

/** Every text the document prints but the fixed labels (which the base fonts have). */
function* documentTexts(document: RenderableDocument): Generator<string> {
  yield document.title;
  yield document.reference;
  for (const party of [document.issuer, document.recipient]) yield* [party.heading, ...party.lines];
  for (const field of document.fields) yield* [field.label, field.value];
  yield* document.notes;
  for (const column of document.columns) yield column.label;
  for (const row of document.rows) yield* [...row.cells, ...row.details];
  for (const line of document.summary) yield* [line.label, line.value];
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
  const fonts = await embedFonts(pdf, documentTexts(document));
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
    for (const line of wrap(note, (text) => fonts.width(text, SIZE.body), CONTENT_WIDTH)) {
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
    writer.page = page;
    writer.textRight(label, PAGE.width - MARGIN, { size: SIZE.footer, color: GREY, y: MARGIN - 12 });
  }
  return pdf.save({ useObjectStreams: true });
}
