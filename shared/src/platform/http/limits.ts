/**
 * The API's documented limits (docs/limits.md). Lago sets few limits of its own; ours keep every
 * accepted value storable (DynamoDB: 400 KB items, 2 KB partition and 1 KB sort keys, 32 levels
 * of nesting; SQS: 256 KiB messages) so that a request past them is refused at once with a 4xx,
 * never accepted and then lost or answered with a 5xx.
 */

/** A request body, in bytes (API Gateway takes 10 MB and Lambda 6 MB; we stay well below). */
export const MAX_BODY_BYTES = 1024 * 1024;

/** Nesting of JSON objects and arrays in a request body, the root included. */
export const MAX_JSON_DEPTH = 32;

/** Identifiers and codes (external ids, codes, transaction ids), in characters. */
export const MAX_ID_LENGTH = 255;

/**
 * One event as it travels to the consumer (its ids, timestamp and properties as JSON), in bytes:
 * far above any real event, and small enough that one SQS message always holds it.
 */
export const MAX_EVENT_BYTES = 64 * 1024;

/** The earliest instant any date or timestamp may name (inclusive). */
export const EARLIEST_INSTANT = "1970-01-01T00:00:00.000Z";

/** The first instant no date or timestamp may reach: dates are before the year 2100. */
export const LATEST_INSTANT = "2100-01-01T00:00:00.000Z";

export const EARLIEST_INSTANT_MS = Date.parse(EARLIEST_INSTANT);
export const LATEST_INSTANT_MS = Date.parse(LATEST_INSTANT);

/** Whether an epoch-milliseconds instant lies within [1970, 2100). */
export function isWithinSupportedDates(ms: number): boolean {
  return Number.isFinite(ms) && ms >= EARLIEST_INSTANT_MS && ms < LATEST_INSTANT_MS;
}
