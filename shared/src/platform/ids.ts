import { createHash } from "node:crypto";

/**
 * A UUID (version 8, RFC 9562) derived from its parts: the same parts give the same id. Work that
 * may run twice (a redelivered billing job) names what it creates this way, so the second run
 * finds the first run's item instead of making another.
 */
export function stableUuid(...parts: readonly string[]): string {
  const hex = createHash("sha256").update(JSON.stringify(parts)).digest("hex");
  const variant = ((Number.parseInt(hex.slice(16, 17), 16) & 0x3) | 0x8).toString(16);
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-8${hex.slice(13, 16)}-${variant}${hex.slice(17, 20)}-${hex.slice(20, 32)}`;
}
