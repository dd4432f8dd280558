/**
 * The filters of `GET /fees` (Lago's `FeesQuery`), parsed from the query string, and which fees of
 * an invoice's fee-list entry pass them. Pure.
 *
 * A fee's creation time, currency and payment status are its invoice's (as the fee serializer shows
 * them), or a standalone pay-in-advance fee's own; only pay-in-advance fees bill one event (its
 * transaction id is in their key); a filter on a payment's success, failure or refund time (only
 * standalone fees have them, `PUT /fees/{id}`) is not served from the index yet and lists no fee.
 * Unlike Lago, a datetime it cannot read and an unknown currency are a 422 too (Lago answers
 * `invalid_date` for the former).
 */
import { z } from "zod";
import { readFeeKey } from "../store/invoice-list-index.js";
import type { FeeListEntry } from "../store/invoice-queries.js";

export const LAGO_FEE_TYPES = [
  "charge",
  "add_on",
  "subscription",
  "credit",
  "commitment",
  "fixed_charge",
  "product",
] as const;
export const LAGO_FEE_PAYMENT_STATUSES = ["pending", "succeeded", "failed", "refunded"] as const;

const invalid = { message: "value_is_invalid" };
const CURRENCIES = new Set(Intl.supportedValuesOf("currency"));
/** An ISO 8601 date or date-time, as a UTC instant with milliseconds (the stored form). */
const instant = z
  .string()
  .refine(
    (value) => /^\d{4}-\d{2}-\d{2}([T ]\d{2}:\d{2}(:\d{2}(\.\d+)?)?(Z|[+-]\d{2}:?\d{2})?)?$/.test(value),
    { message: "invalid_date" },
  )
  .transform((value, context) => {
    const parsed = Date.parse(/^\d{4}-\d{2}-\d{2}$/.test(value) ? `${value}T00:00:00Z` : value);
    if (Number.isNaN(parsed)) {
      context.addIssue({ code: "custom", message: "invalid_date" });
      return z.NEVER;
    }
    return new Date(parsed).toISOString();
  });
const text = z.string().max(1000, { message: "value_is_too_long" });

export const feeListQuery = z.object({
  fee_type: z.enum(LAGO_FEE_TYPES, invalid).optional(),
  payment_status: z.enum(LAGO_FEE_PAYMENT_STATUSES, invalid).optional(),
  external_subscription_id: text.optional(),
  external_customer_id: text.optional(),
  billable_metric_code: text.optional(),
  event_transaction_id: text.optional(),
  currency: z
    .string()
    .transform((value) => value.toUpperCase())
    .refine((value) => CURRENCIES.has(value), invalid)
    .optional(),
  created_at_from: instant.optional(),
  created_at_to: instant.optional(),
  succeeded_at_from: instant.optional(),
  succeeded_at_to: instant.optional(),
  failed_at_from: instant.optional(),
  failed_at_to: instant.optional(),
  refunded_at_from: instant.optional(),
  refunded_at_to: instant.optional(),
});

export type FeeListFilters = z.output<typeof feeListQuery>;

/** Filters on what no fee of this product has yet (a payment's times). */
function matchesNoFee(filters: FeeListFilters): boolean {
  return [
    filters.succeeded_at_from,
    filters.succeeded_at_to,
    filters.failed_at_from,
    filters.failed_at_to,
    filters.refunded_at_from,
    filters.refunded_at_to,
  ].some((bound) => bound !== undefined);
}

/** Positions (in list order) of the entry's fees that pass `filters`. */
export function selectFees(filters: FeeListFilters, entry: FeeListEntry): number[] {
  if (matchesNoFee(filters)) return [];
  if (filters.external_customer_id !== undefined && entry.externalCustomerId !== filters.external_customer_id)
    return [];
  if (
    filters.external_subscription_id !== undefined &&
    entry.externalSubscriptionId !== filters.external_subscription_id
  )
    return [];
  if (filters.currency !== undefined && entry.currency.toUpperCase() !== filters.currency) return [];
  if (filters.payment_status !== undefined && entry.paymentStatus !== filters.payment_status) return [];
  const positions: number[] = [];
  for (const [position, key] of entry.feeKeys.entries()) {
    const { type, metric, transactionId } = readFeeKey(key);
    if (filters.fee_type !== undefined && type !== filters.fee_type) continue;
    // Only pay-in-advance fees bill one event.
    if (filters.event_transaction_id !== undefined && transactionId !== filters.event_transaction_id)
      continue;
    // Lago finds a metric's fees through their charge: only charge fees have one.
    if (
      filters.billable_metric_code !== undefined &&
      (type !== "charge" || metric !== filters.billable_metric_code)
    )
      continue;
    positions.push(position);
  }
  return positions;
}
