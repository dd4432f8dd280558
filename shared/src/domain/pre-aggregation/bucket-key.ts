import type { UsageBucket } from "./types.js";

/*
 * A bucket as a canonical string, to embed in a DynamoDB sort key:
 *
 *   f:<key>=<value>&<key>=<value>;g:<key>=<value>
 *
 * Entries are sorted by key (code-unit order), so equal buckets give equal strings whatever the
 * order their keys were declared in. Keys and values are escaped, never hashed, so the key can be
 * parsed back into the bucket: every UTF-16 code unit outside [A-Za-z0-9_.~-] is written %XX (below
 * 0x100) or %uXXXX, which keeps the string ASCII, keeps `#` (the sort key's own separator) and
 * the structure characters `:;&=@` out of names and values, and also handles lone surrogates,
 * which UTF-8 based escapes (encodeURIComponent) reject. A null value is `@`; "" stays empty.
 * The bucket of a metric without filters nor groups is "f:;g:".
 *
 * Property values are the customer's, so the key can be long: DynamoDB caps a sort key at 1024
 * bytes, which callers must keep in mind for long group values.
 */

const SAFE = /^[A-Za-z0-9_.~-]$/;
const NULL_VALUE = "@";

export function bucketKey(bucket: UsageBucket): string {
  return `f:${section(bucket.filters)};g:${section(bucket.groups)}`;
}

export function parseBucketKey(key: string): UsageBucket {
  const match = /^f:([^;]*);g:([^;]*)$/.exec(key);
  if (!match) throw new RangeError(`malformed bucket key ${key}`);
  const bucket = { filters: parseSection(match[1] ?? "", key), groups: parseSection(match[2] ?? "", key) };
  // Only canonical keys parse, so a key read back names exactly one bucket.
  if (bucketKey(bucket) !== key) throw new RangeError(`bucket key ${key} is not canonical`);
  return bucket;
}

function section(values: Readonly<Record<string, string | null>>): string {
  return Object.keys(values)
    .sort(compareText)
    .map((name) => {
      const value = values[name] ?? null;
      return `${escapeText(name)}=${value === null ? NULL_VALUE : escapeText(value)}`;
    })
    .join("&");
}

// Built with Object.fromEntries, not assignment, so that a key named "__proto__" stays a key.
function parseSection(text: string, key: string): Record<string, string | null> {
  if (text === "") return {};
  return Object.fromEntries(
    text.split("&").map((entry) => {
      const [name, value, ...rest] = entry.split("=");
      if (name === undefined || value === undefined || rest.length > 0) {
        throw new RangeError(`malformed bucket key ${key}`);
      }
      return [unescapeText(name, key), value === NULL_VALUE ? null : unescapeText(value, key)];
    }),
  );
}

function escapeText(text: string): string {
  let escaped = "";
  for (let index = 0; index < text.length; index += 1) {
    const char = text.charAt(index);
    const code = text.charCodeAt(index);
    if (SAFE.test(char)) escaped += char;
    else if (code < 0x100) escaped += `%${hex(code, 2)}`;
    else escaped += `%u${hex(code, 4)}`;
  }
  return escaped;
}

function unescapeText(text: string, key: string): string {
  let result = "";
  let index = 0;
  while (index < text.length) {
    const char = text.charAt(index);
    if (SAFE.test(char)) {
      result += char;
      index += 1;
      continue;
    }
    const wide = text.charAt(index + 1) === "u";
    const digits = wide ? text.slice(index + 2, index + 6) : text.slice(index + 1, index + 3);
    if (char !== "%" || !/^[0-9A-F]+$/.test(digits) || digits.length !== (wide ? 4 : 2)) {
      throw new RangeError(`malformed bucket key ${key}`);
    }
    result += String.fromCharCode(Number.parseInt(digits, 16));
    index += wide ? 6 : 3;
  }
  return result;
}

function hex(code: number, width: number): string {
  return code.toString(16).toUpperCase().padStart(width, "0");
}

function compareText(a: string, b: string): number {
  if (a === b) return 0;
  return a < b ? -1 : 1;
}
