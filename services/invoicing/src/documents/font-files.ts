/**
 * The font files documents are set in, each with the npm package file it comes from: Google's
 * Noto Sans (Latin with its extensions, Cyrillic, Greek) in regular and bold, and for what it
 * lacks Noto Sans SC (Chinese, Japanese kana and kanji) then Noto Sans KR (Korean hangul), in
 * regular only. All are SIL Open Font License 1.1 with TrueType outlines (pdf-lib subsets those
 * correctly). Plain data: the stack copies these files next to the documents renderer's bundle
 * (`bundledFiles`), and `document-fonts.ts` reads them from there or, when run from the sources,
 * from `node_modules`.
 */
export interface FontFile {
  /** The file's name in the bundle's `fonts/` folder. */
  readonly file: string;
  /** The file inside `node_modules`, as its package ships it. */
  readonly packagePath: string;
}

export const FONT_FILES = {
  regular: {
    file: "NotoSans-Regular.ttf",
    packagePath: "@expo-google-fonts/noto-sans/400Regular/NotoSans_400Regular.ttf",
  },
  bold: {
    file: "NotoSans-Bold.ttf",
    packagePath: "@expo-google-fonts/noto-sans/700Bold/NotoSans_700Bold.ttf",
  },
  cjk: {
    file: "NotoSansSC-Regular.ttf",
    packagePath: "@expo-google-fonts/noto-sans-sc/400Regular/NotoSansSC_400Regular.ttf",
  },
  hangul: {
    file: "NotoSansKR-Regular.ttf",
    packagePath: "@expo-google-fonts/noto-sans-kr/400Regular/NotoSansKR_400Regular.ttf",
  },
} as const satisfies Record<string, FontFile>;

export type FontName = keyof typeof FONT_FILES;

/** The bundle's folder that holds the font files, beside the function's code. */
export const BUNDLED_FONTS_FOLDER = "fonts";
