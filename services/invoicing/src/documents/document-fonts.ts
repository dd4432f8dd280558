/**
 * The documents' font files, read once per container (or process) and only when a render needs
 * them: the base fonts at the first render, the CJK ones at the first document whose text the base
 * fonts lack. In the documents renderer's bundle they lie in `fonts/` beside its code (the stack
 * copies them there); run from the sources (tests, the local runtime), they are read from the
 * packages in `node_modules`.
 */
import { existsSync, readFileSync } from "node:fs";
import { createRequire } from "node:module";
import { fileURLToPath } from "node:url";
import fontkit, { type Font, type GlyphRun } from "@pdf-lib/fontkit";
import type { PDFDocument } from "pdf-lib";
import { withEvenGlyphRecords } from "./even-glyph-records.js";
import { BUNDLED_FONTS_FOLDER, FONT_FILES, type FontFile, type FontName } from "./font-files.js";

export interface LoadedFont {
  readonly name: FontName;
  readonly bytes: Uint8Array;
  /** Whether the font has a glyph for the code point. */
  readonly covers: (codePoint: number) => boolean;
}

const loaded = new Map<FontName, LoadedFont>();
const parsedByBytes = new WeakMap<Uint8Array, Font>();

/**
 * Maps text to glyphs by the font's character map alone, without OpenType shaping. pdf-lib prints
 * each glyph at its advance width and reads nothing else of a layout (not kerning, not positions),
 * so shaping, most of a render's time with Noto's large feature tables (0.5 s for a 50-fee invoice
 * instead of 0.06 s), bought only ligatures and contextual forms, which these scripts do not need
 * (the text is composed to NFC first, so accented letters are single glyphs).
 */
function unshaped(font: Font): Font {
  font.layout = (text: string) => {
    const glyphs = font.glyphsForString(text);
    // pdf-lib reads `glyphs` alone from a layout; the rest of a GlyphRun is not computed.
    return { glyphs } as Pick<GlyphRun, "glyphs"> as GlyphRun;
  };
  return font;
}

/**
 * The fontkit pdf-lib embeds with: the container's parsed fonts (a document's `embedFont` would
 * parse its font file again), laid out by `unshaped`.
 */
export const documentFontkit: Parameters<PDFDocument["registerFontkit"]>[0] = {
  create: (bytes) => parsedByBytes.get(bytes) ?? unshaped(fontkit.create(bytes)),
};

function locate(font: FontFile): string {
  const bundled = fileURLToPath(new URL(`./${BUNDLED_FONTS_FOLDER}/${font.file}`, import.meta.url));
  if (existsSync(bundled)) return bundled;
  return createRequire(import.meta.url).resolve(font.packagePath);
}

/** The font, read and parsed at its first use in this container, kept for the next renders. */
export function documentFont(name: FontName): LoadedFont {
  const known = loaded.get(name);
  if (known) return known;
  const bytes = withEvenGlyphRecords(new Uint8Array(readFileSync(locate(FONT_FILES[name]))));
  const parsed = unshaped(fontkit.create(bytes));
  parsedByBytes.set(bytes, parsed);
  const font: LoadedFont = { name, bytes, covers: (codePoint) => parsed.hasGlyphForCodePoint(codePoint) };
  loaded.set(name, font);
  return font;
}
