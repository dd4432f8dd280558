/**
 * A standalone fee's payment status as `PUT /fees/{id}` sets it (Lago's `Fees::UpdateService`): only
 * the time of the current status is kept, so a fee that goes pending, failed, pending, succeeded
 * shows its success time alone. Pure.
 */
import type { FeePayment, FeePaymentStatus } from "../invoice.js";

export const FEE_PAYMENT_STATUSES = ["pending", "succeeded", "failed", "refunded"] as const;

export function isFeePaymentStatus(value: unknown): value is FeePaymentStatus {
  return typeof value === "string" && (FEE_PAYMENT_STATUSES as readonly string[]).includes(value);
}

/** The fee's payment once set to `status` at `now` (UTC ISO). */
export function feePaymentAt(status: FeePaymentStatus, now: string): FeePayment {
  return {
    status,
    succeededAt: status === "succeeded" ? now : null,
    failedAt: status === "failed" ? now : null,
    refundedAt: status === "refunded" ? now : null,
  };
}
