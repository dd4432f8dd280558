/**
 * JSON text in and out, without losing numbers. `JSON.parse` reads every number as a double, so an
 * integer beyond 2^53 (a nanosecond timestamp, a large id) silently changes and 1e400 becomes
 * Infinity. Lago's Ruby keeps such integers exact. Here a body is parsed with `JSON.parse` first
 * (fast); only when it holds such a number is it parsed again with lossless-json, which keeps each
 * one as a `LosslessNumber` carrying its own text. Fractions stay doubles, as in Lago.
 */
import { isLosslessNumber, LosslessNumber, parse, stringify } from "lossless-json";

export { isLosslessNumber, LosslessNumber };

/** A number `JSON.parse` cannot hold exactly: an integer beyond ±(2^53 − 1), or beyond doubles. */
export function isInexactNumber(value: number): boolean {
  return !Number.isFinite(value) || (Number.isInteger(value) && !Number.isSafeInteger(value));
}

function exactNumber(text: string): number | LosslessNumber {
  const value = Number(text);
  return isInexactNumber(value) ? new LosslessNumber(text) : value;
}

/** What a walk over parsed JSON found. */
export interface JsonInspection {
  /** The path of the first value nested deeper than allowed (the root is depth 1). */
  readonly tooDeepAt?: string;
  /** The path of the first key or string holding a lone UTF-16 surrogate (not valid Unicode). */
  readonly invalidUnicodeAt?: string;
  /** The path of the first number beyond doubles' range (±1.8e308), which no JSON reader holds. */
  readonly outOfRangeAt?: string;
  /** Whether a number lost precision in `JSON.parse`. */
  readonly inexactNumbers: boolean;
}

const TOO_DEEP = 1;
const INVALID_UNICODE = 2;
const OUT_OF_RANGE = 4;
const INEXACT = 8;

/**
 * What a value holds, as flags, in one pass that allocates nothing (it runs on every request body,
 * the ingest hot path included). Never deeper than `maxDepth` + 1 calls, however deep the value.
 */
function flagsOf(value: unknown, depth: number, maxDepth: number): number {
  if (typeof value === "number") {
    if (Number.isSafeInteger(value)) return 0;
    if (!Number.isFinite(value)) return OUT_OF_RANGE | INEXACT;
    return Number.isInteger(value) ? INEXACT : 0;
  }
  if (typeof value === "string") return value.isWellFormed() ? 0 : INVALID_UNICODE;
  if (value === null || typeof value !== "object") return 0;
  if (depth > maxDepth) return TOO_DEEP;
  let flags = 0;
  if (Array.isArray(value)) {
    for (let i = 0; i < value.length; i++) flags |= flagsOf(value[i], depth + 1, maxDepth);
    return flags;
  }
  const record = value as Record<string, unknown>;
  // Parsed JSON has own properties only; `for…in` walks them without building a key list.
  for (const key in record) {
    if (!key.isWellFormed()) flags |= INVALID_UNICODE;
    flags |= flagsOf(record[key], depth + 1, maxDepth);
  }
  return flags;
}

/** The path of the first value for which `found` holds, depth-first (only run once something was). */
function pathOf(
  root: unknown,
  maxDepth: number,
  found: (value: unknown, key: string | undefined, depth: number) => boolean,
): string {
  const stack: Array<{ value: unknown; path: string; key?: string; depth: number }> = [
    { value: root, path: "", depth: 1 },
  ];
  while (stack.length > 0) {
    const { value, path, key, depth } = stack.pop() as (typeof stack)[number];
    if (found(value, key, depth)) return path || "base";
    if (value === null || typeof value !== "object" || depth > maxDepth) continue;
    const entries = Object.entries(value).reverse();
    for (const [childKey, child] of entries)
      stack.push({
        value: child,
        key: childKey,
        path: path ? `${path}.${childKey}` : childKey,
        depth: depth + 1,
      });
  }
  return "base";
}

/**
 * Walks parsed JSON. Never past `maxDepth`, so a body nested 10,000 deep cannot exhaust the call
 * stack here or in any later recursive step. Paths are found only for what is wrong.
 */
export function inspectJson(root: unknown, maxDepth: number): JsonInspection {
  const flags = flagsOf(root, 1, maxDepth);
  const inexactNumbers = (flags & INEXACT) !== 0;
  if ((flags & (TOO_DEEP | INVALID_UNICODE | OUT_OF_RANGE)) === 0) return { inexactNumbers };
  return {
    inexactNumbers,
    tooDeepAt:
      flags & TOO_DEEP
        ? pathOf(
            root,
            maxDepth,
            (value, _, depth) => depth > maxDepth && value !== null && typeof value === "object",
          )
        : undefined,
    invalidUnicodeAt:
      flags & INVALID_UNICODE
        ? pathOf(
            root,
            maxDepth,
            (value, key) =>
              (key !== undefined && !key.isWellFormed()) ||
              (typeof value === "string" && !value.isWellFormed()),
          )
        : undefined,
    outOfRangeAt:
      flags & OUT_OF_RANGE
        ? pathOf(root, maxDepth, (value) => typeof value === "number" && !Number.isFinite(value))
        : undefined,
  };
}

/** Re-reads JSON text keeping inexact numbers as `LosslessNumber`s (call on text already checked). */
export function parseExact(text: string): unknown {
  return parse(text, null, exactNumber);
}

/** Parses JSON text, exactly: `LosslessNumber`s where `JSON.parse` would lose a number. */
export function parseJson(text: string, maxDepth = Number.POSITIVE_INFINITY): unknown {
  const value: unknown = JSON.parse(text);
  return inspectJson(value, maxDepth).inexactNumbers ? parseExact(text) : value;
}

/** Whether a value holds a `LosslessNumber` anywhere (a walk; `stringifyJson` needs to know). */
export function containsLosslessNumber(root: unknown): boolean {
  const stack: unknown[] = [root];
  while (stack.length > 0) {
    const value = stack.pop();
    if (value === null || typeof value !== "object") continue;
    if (isLosslessNumber(value)) return true;
    for (const child of Array.isArray(value) ? value : Object.values(value)) stack.push(child);
  }
  return false;
}

/**
 * JSON text of a value that may hold `LosslessNumber`s, each written as the number it is.
 * `hasLosslessNumbers` spares the walk when the caller knows (false: plain `JSON.stringify`).
 */
export function stringifyJson(value: unknown, hasLosslessNumbers = containsLosslessNumber(value)): string {
  return hasLosslessNumbers ? (stringify(value) as string) : JSON.stringify(value);
}
