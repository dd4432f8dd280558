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

/**
 * Walks parsed JSON once. Depth-first with its own stack, and never past `maxDepth`, so a body
 * nested 10,000 deep cannot exhaust the call stack here or in any later recursive step.
 */
export function inspectJson(root: unknown, maxDepth: number): JsonInspection {
  let inexactNumbers = false;
  let invalidUnicodeAt: string | undefined;
  let outOfRangeAt: string | undefined;
  const stack: Array<{ value: unknown; path: string; depth: number }> = [{ value: root, path: "", depth: 1 }];
  while (stack.length > 0) {
    const { value, path, depth } = stack.pop() as { value: unknown; path: string; depth: number };
    if (typeof value === "number") {
      if (isInexactNumber(value)) inexactNumbers = true;
      if (outOfRangeAt === undefined && !Number.isFinite(value)) outOfRangeAt = path || "base";
    } else if (typeof value === "string") {
      if (invalidUnicodeAt === undefined && !value.isWellFormed()) invalidUnicodeAt = path || "base";
    } else if (value !== null && typeof value === "object") {
      if (depth > maxDepth)
        return { tooDeepAt: path || "base", invalidUnicodeAt, outOfRangeAt, inexactNumbers };
      const entries: Array<[string, unknown]> = Array.isArray(value)
        ? value.map((item, index) => [String(index), item])
        : Object.entries(value);
      for (const [key, child] of entries) {
        const childPath = path ? `${path}.${key}` : key;
        if (invalidUnicodeAt === undefined && !key.isWellFormed()) invalidUnicodeAt = childPath;
        stack.push({ value: child, path: childPath, depth: depth + 1 });
      }
    }
  }
  return { invalidUnicodeAt, outOfRangeAt, inexactNumbers };
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
