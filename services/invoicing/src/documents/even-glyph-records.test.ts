import { readFileSync } from "node:fs";
import { createRequire } from "node:module";
import fontkit from "@pdf-lib/fontkit";
import { describe, expect, it } from "vitest";
import { withEvenGlyphRecords } from "./even-glyph-records.js";
import { FONT_FILES } from "./font-files.js";

const notoSans = () =>
  new Uint8Array(readFileSync(createRequire(import.meta.url).resolve(FONT_FILES.regular.packagePath)));

/** The length of each glyph record, from the font's `loca` table as fontkit reads it. */
function recordLengths(bytes: Uint8Array): number[] {
  const font = fontkit.create(bytes) as unknown as { loca: { offsets: number[] }; numGlyphs: number };
  const offsets = font.loca.offsets;
  return Array.from(
    { length: font.numGlyphs },
    (_, glyph) => (offsets[glyph + 1] ?? 0) - (offsets[glyph] ?? 0),
  );
}

describe("a TrueType font with even glyph records", () => {
  it("pads every odd record of Noto Sans and keeps every glyph's outline and metrics", () => {
    const original = notoSans();
    expect(recordLengths(original).filter((length) => length % 2 === 1).length).toBeGreaterThan(1000);
    const even = withEvenGlyphRecords(original);
    expect(recordLengths(even).every((length) => length % 2 === 0)).toBe(true);
    const before = fontkit.create(original);
    const after = fontkit.create(even);
    expect(after.numGlyphs).toBe(before.numGlyphs);
    expect(after.characterSet).toEqual(before.characterSet);
    for (let glyph = 0; glyph < before.numGlyphs; glyph++) {
      expect(after.getGlyph(glyph).path.toSVG()).toBe(before.getGlyph(glyph).path.toSVG());
      expect(after.getGlyph(glyph).advanceWidth).toBe(before.getGlyph(glyph).advanceWidth);
    }
  });

  it("leaves a font whose records are all even as it is", () => {
    const even = withEvenGlyphRecords(notoSans());
    expect(withEvenGlyphRecords(even)).toBe(even);
  });
});
