import { describe, expect, it } from "vitest";
import { feePaymentAt, isFeePaymentStatus } from "./fee-payment.js";

const at = "2026-03-04T05:06:07.000Z";

describe("a standalone fee's payment", () => {
  it("keeps the time of its current status only", () => {
    expect(feePaymentAt("succeeded", at)).toEqual({
      status: "succeeded",
      succeededAt: at,
      failedAt: null,
      refundedAt: null,
    });
    expect(feePaymentAt("failed", at)).toEqual({
      status: "failed",
      succeededAt: null,
      failedAt: at,
      refundedAt: null,
    });
    expect(feePaymentAt("refunded", at)).toEqual({
      status: "refunded",
      succeededAt: null,
      failedAt: null,
      refundedAt: at,
    });
    expect(feePaymentAt("pending", at)).toEqual({
      status: "pending",
      succeededAt: null,
      failedAt: null,
      refundedAt: null,
    });
  });

  it("accepts Lago's four statuses and nothing else", () => {
    for (const status of ["pending", "succeeded", "failed", "refunded"])
      expect(isFeePaymentStatus(status)).toBe(true);
    for (const other of ["paid", "SUCCEEDED", "", 1, null, undefined])
      expect(isFeePaymentStatus(other)).toBe(false);
  });
});
