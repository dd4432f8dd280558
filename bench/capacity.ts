/**
 * DynamoDB capacity by AWS's own rules, computed from item sizes (moto's ReturnConsumedCapacity is
 * not AWS's accounting): a write costs ceil(size / 1 KB) units, twice that inside a transaction; a
 * strongly consistent read ceil(size / 4 KB), half when eventually consistent. A query is charged
 * on the summed size of the items it reads.
 */
import type { AttributeValue } from "@aws-sdk/client-dynamodb";

function valueSize(value: AttributeValue): number {
  if (value.S !== undefined) return Buffer.byteLength(value.S);
  if (value.N !== undefined) {
    const digits = value.N.replace(/^[-+]?0*/, "")
      .replace(".", "")
      .replace(/e.*$/i, "").length;
    return Math.ceil(digits / 2) + 1;
  }
  if (value.B !== undefined) return value.B.byteLength;
  if (value.BOOL !== undefined || value.NULL !== undefined) return 1;
  if (value.SS) return value.SS.reduce((sum, s) => sum + Buffer.byteLength(s), 0);
  if (value.NS) return value.NS.reduce((sum, n) => sum + valueSize({ N: n }), 0);
  if (value.L) return 3 + value.L.reduce((sum, v) => sum + 1 + valueSize(v), 0);
  if (value.M) return 3 + itemSize(value.M) + Object.keys(value.M).length;
  return 0;
}

export function itemSize(item: Record<string, AttributeValue>): number {
  return Object.entries(item).reduce(
    (sum, [name, value]) => sum + Buffer.byteLength(name) + valueSize(value),
    0,
  );
}

export const writeUnits = (bytes: number) => Math.max(1, Math.ceil(bytes / 1024));
export const readUnits = (bytes: number, consistent: boolean) => {
  const units = Math.max(1, Math.ceil(bytes / 4096));
  return consistent ? units : units / 2;
};
