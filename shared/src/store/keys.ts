/**
 * Item keys. Every key of an organization's item starts with the organization id (taken from the
 * API key, never from the request), so no query can reach another organization's items. Free-text
 * parts (codes, external ids) are escaped so a `#` inside them cannot forge a key boundary.
 */
export function keyPart(value: string): string {
  return value.replace(/%/g, "%25").replace(/#/g, "%23");
}

export function joinKey(...parts: readonly string[]): string {
  return parts.map(keyPart).join("#");
}

/** Attributes that are storage keys, not domain data. */
const STORAGE_ATTRIBUTES = new Set([
  "pk",
  "sk",
  "gsi1pk",
  "gsi1sk",
  "duePk",
  "dueAt",
  "revision",
  "kind",
  "expiresAt",
  // Invoicing's list indexes (services/invoicing/src/store/invoice-list-index.ts).
  "listPk",
  "customerListPk",
  "listSk",
  "feeListPk",
  "feeListSk",
  "feeKeys",
]);

export function withoutStorageAttributes<T>(item: Record<string, unknown>): T {
  const data: Record<string, unknown> = {};
  for (const [name, value] of Object.entries(item)) {
    if (!STORAGE_ATTRIBUTES.has(name)) data[name] = value;
  }
  return data as T;
}
