/**
 * Why this exists: fontkit's TrueType subsetting (through pdf-lib's `subset: true`) copies each
 * glyph record as the font has it and, when the subset's glyph data is under 64 KB (nearly always
 * in a document), writes its `loca` table in the short format, which stores offsets halved. A font
 * whose records have odd lengths (Google's Noto fonts: a third of their glyphs, which their long
 * `loca` allows) then gets every offset after the first odd record wrong, and those glyphs print
 * blank although the text still extracts. Padding every record to an even length, as the short
 * format requires, before the font is subset, fixes it.
 */

interface TableRecord {
  readonly tag: string;
  readonly offset: number;
  readonly length: number;
  readonly checksum: number;
}

/** A TrueType table's checksum: the sum of its big-endian 32-bit words, zero-padded, modulo 2³². */
function checksum(bytes: Uint8Array): number {
  const padded = new Uint8Array(Math.ceil(bytes.length / 4) * 4);
  padded.set(bytes);
  const view = new DataView(padded.buffer);
  let sum = 0;
  for (let at = 0; at < padded.length; at += 4) sum = (sum + view.getUint32(at)) >>> 0;
  return sum;
}

function tableRecords(font: Uint8Array): TableRecord[] {
  const view = new DataView(font.buffer, font.byteOffset, font.byteLength);
  return Array.from({ length: view.getUint16(4) }, (_, index) => {
    const at = 12 + 16 * index;
    return {
      tag: String.fromCharCode(...font.subarray(at, at + 4)),
      checksum: view.getUint32(at + 4),
      offset: view.getUint32(at + 8),
      length: view.getUint32(at + 12),
    };
  });
}

/**
 * The same TrueType font with every glyph record padded to an even length and `loca` in the long
 * format; the font unchanged when its records are all even already, or when it has no `glyf`
 * table (a CFF font).
 */
export function withEvenGlyphRecords(font: Uint8Array): Uint8Array {
  const view = new DataView(font.buffer, font.byteOffset, font.byteLength);
  const records = tableRecords(font);
  const table = (tag: string) => records.find((record) => record.tag === tag);
  const head = table("head");
  const loca = table("loca");
  const glyf = table("glyf");
  const maxp = table("maxp");
  if (!head || !loca || !glyf || !maxp) return font;
  const long = view.getInt16(head.offset + 50) === 1;
  const glyphs = view.getUint16(maxp.offset + 4);
  const offsetOf = (glyph: number) =>
    long ? view.getUint32(loca.offset + 4 * glyph) : view.getUint16(loca.offset + 2 * glyph) * 2;

  let size = 0;
  let odd = 0;
  for (let glyph = 0; glyph < glyphs; glyph++) {
    const length = offsetOf(glyph + 1) - offsetOf(glyph);
    odd += length % 2;
    size += length + (length % 2);
  }
  if (odd === 0) return font;

  const newGlyf = new Uint8Array(size);
  const newLoca = new Uint8Array(4 * (glyphs + 1));
  const locaView = new DataView(newLoca.buffer);
  let at = 0;
  for (let glyph = 0; glyph < glyphs; glyph++) {
    const start = glyf.offset + offsetOf(glyph);
    const end = glyf.offset + offsetOf(glyph + 1);
    locaView.setUint32(4 * glyph, at);
    newGlyf.set(font.subarray(start, end), at);
    at += end - start + ((end - start) % 2);
  }
  locaView.setUint32(4 * glyphs, at);
  const newHead = font.slice(head.offset, head.offset + head.length);
  const headView = new DataView(newHead.buffer);
  headView.setUint32(8, 0); // checkSumAdjustment: left out, as a subset writes its own head
  headView.setInt16(50, 1); // indexToLocFormat: long

  const replaced = new Map([
    ["glyf", newGlyf],
    ["loca", newLoca],
    ["head", newHead],
  ]);
  const parts = records.map((record) => ({
    record,
    bytes: replaced.get(record.tag) ?? font.subarray(record.offset, record.offset + record.length),
  }));
  const directory = 12 + 16 * records.length;
  const total = parts.reduce((sum, part) => sum + Math.ceil(part.bytes.length / 4) * 4, directory);
  const out = new Uint8Array(total);
  const outView = new DataView(out.buffer);
  out.set(font.subarray(0, 12));
  let offset = directory;
  for (const [index, { record, bytes }] of parts.entries()) {
    const entry = 12 + 16 * index;
    out.set(font.subarray(entry, entry + 4), entry);
    outView.setUint32(entry + 4, replaced.has(record.tag) ? checksum(bytes) : record.checksum);
    outView.setUint32(entry + 8, offset);
    outView.setUint32(entry + 12, bytes.length);
    out.set(bytes, offset);
    offset += Math.ceil(bytes.length / 4) * 4;
  }
  return out;
}
