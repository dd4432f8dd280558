import { describe, expect, it } from "vitest";
import type { Invoice } from "../invoice.js";
import { paidInvoice, paymentRefusal, totalDueAmountCents } from "./manual-payment.js";
import { draftInvoice } from "./test-invoice.js";

const finalized: Invoice = {
  ...draftInvoice,
  status: "finalized",
  sequentialId: 1,
  number: "ACM-001-001",
  totalAmountCents: 1000,
  paymentOverdue: true,
};
const now = "2026-09-10T12:00:00.000Z";

describe("manual payments", () => {
  it("what is due is the total less what was paid, never below 0, nothing once voided", () => {
    expect(totalDueAmountCents(finalized)).toBe(1000);
    expect(totalDueAmountCents({ ...finalized, totalPaidAmountCents: 400 })).toBe(600);
    expect(totalDueAmountCents({ ...finalized, totalPaidAmountCents: 1200 })).toBe(0);
    expect(totalDueAmountCents({ ...finalized, status: "voided" })).toBe(0);
  });

  it("a partial payment raises the paid total and leaves the payment pending and overdue", () => {
    const partly = paidInvoice(finalized, 400, now);
    expect(partly).toMatchObject({
      totalPaidAmountCents: 400,
      paymentStatus: "pending",
      paymentOverdue: true,
      updatedAt: now,
    });
    expect(totalDueAmountCents(partly)).toBe(600);
    // The rest settles it: succeeded, no longer overdue.
    const paid = paidInvoice(partly, 600, now);
    expect(paid).toMatchObject({
      totalPaidAmountCents: 1000,
      paymentStatus: "succeeded",
      paymentOverdue: false,
    });
    expect(totalDueAmountCents(paid)).toBe(0);
  });

  it("refuses more than is due, and any invoice not finalized", () => {
    expect(paymentRefusal(finalized, 1000)).toBeNull();
    expect(paymentRefusal(finalized, 1001)).toEqual({
      kind: "invalid",
      field: "amount_cents",
      code: "value_is_out_of_range",
    });
    expect(paymentRefusal({ ...finalized, totalPaidAmountCents: 600 }, 401)).not.toBeNull();
    expect(paymentRefusal({ ...finalized, totalPaidAmountCents: 600 }, 400)).toBeNull();
    expect(paymentRefusal(draftInvoice, 1)).toEqual({ kind: "forbidden" });
    expect(paymentRefusal({ ...finalized, status: "voided" }, 1)).toEqual({ kind: "forbidden" });
  });
});
