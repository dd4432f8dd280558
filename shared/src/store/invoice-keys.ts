import { stableUuid } from "../platform/ids.js";
import { joinKey } from "./keys.js";

/** The id of a subscription's invoice for a period: one per (subscription, period), whoever makes it. */
export function periodInvoiceId(
  organizationId: string,
  subscriptionId: string,
  periodStartsAt: string,
): string {
  return stableUuid("subscription-invoice", organizationId, subscriptionId, periodStartsAt);
}

/**
 * The id of a subscription's invoice of a pay-in-advance base fee billed on its own (when it
 * starts, when its trial ends): one per (subscription, period).
 */
export function advanceInvoiceId(
  organizationId: string,
  subscriptionId: string,
  periodStartsAt: string,
): string {
  return stableUuid("subscription-advance-invoice", organizationId, subscriptionId, periodStartsAt);
}

/** An invoice's key in invoicing's table (which others may read: past usage shows its invoice). */
export function invoiceItemKey(organizationId: string, invoiceId: string) {
  return { pk: organizationId, sk: joinKey("invoice", invoiceId) };
}

/** A credit note's key in invoicing's table, beside its invoice's. */
export function creditNoteItemKey(organizationId: string, creditNoteId: string) {
  return { pk: organizationId, sk: joinKey("credit_note", creditNoteId) };
}

/**
 * A credit note's balance kept under its customer, oldest first (see the credit note store): one
 * query reads a customer's balances at a finalization.
 */
export function creditBalanceKey(
  organizationId: string,
  note: { readonly customerId: string; readonly issuedAt: string; readonly creditNoteId: string },
) {
  return {
    pk: organizationId,
    sk: joinKey("credit_balance", note.customerId, note.issuedAt, note.creditNoteId),
  };
}

/** The prefix of a customer's credit balances' keys. */
export const creditBalancesPrefix = (customerId: string): string =>
  `${joinKey("credit_balance", customerId)}#`;

/**
 * What invoicing keeps of an applied coupon (what it has left), under its customer: invoicing
 * writes it, the catalog reads it to show the coupon as invoicing left it.
 */
export const couponUsageSk = (customerId: string, appliedCouponId: string): string =>
  joinKey("coupon_usage", customerId, appliedCouponId);

/** The prefix of a customer's coupon usage keys, or of the whole organization's without one. */
export const couponUsagePrefix = (customerId?: string): string =>
  `${customerId === undefined ? joinKey("coupon_usage") : joinKey("coupon_usage", customerId)}#`;
