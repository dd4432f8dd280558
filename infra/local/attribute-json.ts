/**
 * DynamoDB items as plain JSON, losslessly: the low-level attribute-value form keeps numbers as the
 * decimal strings DynamoDB stores (no rounding beyond 2^53), and binary values, which JSON cannot
 * hold, become base64 under a key of their own.
 */
import type { AttributeValue } from "@aws-sdk/client-dynamodb";

export type Item = Record<string, AttributeValue>;

/** An attribute value with binary parts as base64 strings (`B64`, `BS64`). */
export type JsonAttributeValue =
  | { S: string }
  | { N: string }
  | { BOOL: boolean }
  | { NULL: true }
  | { SS: string[] }
  | { NS: string[] }
  | { B64: string }
  | { BS64: string[] }
  | { L: JsonAttributeValue[] }
  | { M: JsonItem };

export type JsonItem = Record<string, JsonAttributeValue>;

/** Sets an own property even for names like `__proto__`, which plain assignment would not store. */
function setOwn<T>(target: Record<string, T>, name: string, value: T): void {
  Object.defineProperty(target, name, { value, enumerable: true, writable: true, configurable: true });
}

const base64 = (bytes: Uint8Array) => Buffer.from(bytes).toString("base64");
const bytesOf = (text: string) => new Uint8Array(Buffer.from(text, "base64"));

export function toJsonValue(value: AttributeValue): JsonAttributeValue {
  if (value.S !== undefined) return { S: value.S };
  if (value.N !== undefined) return { N: value.N };
  if (value.BOOL !== undefined) return { BOOL: value.BOOL };
  if (value.NULL !== undefined) return { NULL: true };
  if (value.SS !== undefined) return { SS: [...value.SS] };
  if (value.NS !== undefined) return { NS: [...value.NS] };
  if (value.B !== undefined) return { B64: base64(value.B) };
  if (value.BS !== undefined) return { BS64: value.BS.map(base64) };
  if (value.L !== undefined) return { L: value.L.map(toJsonValue) };
  if (value.M !== undefined) return { M: toJsonItem(value.M) };
  throw new Error(`unknown DynamoDB attribute value ${JSON.stringify(Object.keys(value))}`);
}

export function fromJsonValue(value: JsonAttributeValue): AttributeValue {
  if ("S" in value) return { S: value.S };
  if ("N" in value) return { N: value.N };
  if ("BOOL" in value) return { BOOL: value.BOOL };
  if ("NULL" in value) return { NULL: true };
  if ("SS" in value) return { SS: value.SS };
  if ("NS" in value) return { NS: value.NS };
  if ("B64" in value) return { B: bytesOf(value.B64) };
  if ("BS64" in value) return { BS: value.BS64.map(bytesOf) };
  if ("L" in value) return { L: value.L.map(fromJsonValue) };
  if ("M" in value) return { M: fromJsonItem(value.M) };
  throw new Error(`unknown attribute value in the data file: ${JSON.stringify(value).slice(0, 100)}`);
}

export function toJsonItem(item: Item): JsonItem {
  const json: JsonItem = {};
  for (const [name, value] of Object.entries(item)) setOwn(json, name, toJsonValue(value));
  return json;
}

export function fromJsonItem(json: JsonItem): Item {
  const item: Item = {};
  for (const [name, value] of Object.entries(json)) setOwn(item, name, fromJsonValue(value));
  return item;
}
