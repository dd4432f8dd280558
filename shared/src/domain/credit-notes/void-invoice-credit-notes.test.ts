import fc from "fast-check";
import { describe, expect, it } from "vitest";
import type { CreditableFee } from "./credit-note-amounts.js";
import { invoiceWholeCreditableAmountCents } from "./credit-note-limits.js";
import { voidInvoiceCreditNotes } from "./void-invoice-credit-notes.js";

const fee = (id: string, amountCents: number, rate: string, coupons = "0"): CreditableFee => ({
  id,
  amountCents,
  preciseCouponsAmountCents: coupons,
  taxes: [{ code: `t${rate}`, rate }],
  creditedAmountCents: 0,
});
const fees = [fee("a", 10_000, "20"), fee("b", 5_000, "10")];
// 100.00 + 20.00 and 50.00 + 5.00: 175.00 creditable.
const invoice = {
  fees,
  earlierCreditNotes: [],
  creditableAmountCents: 17_500,
  refundableAmountCents: 17_500,
};

describe("credit notes made by voiding an invoice", () => {
  it("the asked credit and refund in one note, the rest in a second note to be voided", () => {
    const result = voidInvoiceCreditNotes(invoice, { creditAmountCents: 5_000, refundAmountCents: 2_000 });
    if (!result.ok) throw new Error(result.code);
    expect(result.requested?.split).toEqual({
      creditAmountCents: 5_000,
      refundAmountCents: 2_000,
      offsetAmountCents: 0,
    });
    // 70.00 of 175.00: 40% of each fee.
    expect(result.requested?.items).toEqual([
      { feeId: "a", amountCents: 4_000 },
      { feeId: "b", amountCents: 2_000 },
    ]);
    expect(result.remainder?.items).toEqual([
      { feeId: "a", amountCents: 6_000 },
      { feeId: "b", amountCents: 3_000 },
    ]);
    expect(result.remainder?.split.creditAmountCents).toBe(10_500);
  });

  it("nothing asked: one note for everything, to be voided; everything asked: no remainder", () => {
    const none = voidInvoiceCreditNotes(invoice, { creditAmountCents: 0, refundAmountCents: 0 });
    expect(none).toMatchObject({
      ok: true,
      requested: null,
      remainder: { split: { creditAmountCents: 17_500 } },
    });
    const all = voidInvoiceCreditNotes(invoice, { creditAmountCents: 17_500, refundAmountCents: 0 });
    expect(all).toMatchObject({
      ok: true,
      remainder: null,
      requested: { split: { creditAmountCents: 17_500 } },
    });
  });

  it("refuses more than is creditable or refundable", () => {
    const refused = { ok: false, code: "total_amount_exceeds_invoice_amount" };
    expect(voidInvoiceCreditNotes(invoice, { creditAmountCents: 17_501, refundAmountCents: 0 })).toEqual(
      refused,
    );
    expect(
      voidInvoiceCreditNotes(
        { ...invoice, refundableAmountCents: 100 },
        { creditAmountCents: 0, refundAmountCents: 101 },
      ),
    ).toEqual(refused);
    expect(voidInvoiceCreditNotes(invoice, { creditAmountCents: 10_000, refundAmountCents: 7_501 })).toEqual(
      refused,
    );
  });

  it("the two notes always add up to what the invoice had to credit, whatever is asked", () => {
    const feeArb = fc.array(
      fc.record({
        amountCents: fc.integer({ min: 1, max: 400_000 }),
        rate: fc.constantFrom("0", "5.5", "8.875", "20"),
        couponPercent: fc.integer({ min: 0, max: 90 }),
      }),
      { minLength: 1, maxLength: 4 },
    );
    fc.assert(
      fc.property(feeArb, fc.double({ min: 0, max: 1, noNaN: true }), (specs, share) => {
        const invoiceFees = specs.map((spec, index) =>
          fee(
            `f${index}`,
            spec.amountCents,
            spec.rate,
            String((spec.amountCents * spec.couponPercent) / 100),
          ),
        );
        const whole = invoiceWholeCreditableAmountCents(invoiceFees);
        const asked = Math.floor(whole * share);
        const result = voidInvoiceCreditNotes(
          {
            fees: invoiceFees,
            earlierCreditNotes: [],
            creditableAmountCents: whole,
            refundableAmountCents: 0,
          },
          { creditAmountCents: asked, refundAmountCents: 0 },
        );
        if (!result.ok) throw new Error(result.code);
        const requested = result.requested?.amounts.totalAmountCents ?? 0;
        const rest = result.remainder?.amounts.totalAmountCents ?? 0;
        expect(requested + rest).toBe(whole);
        // The note asked for is worth what was asked, give or take the cents of its roundings.
        expect(Math.abs(requested - asked)).toBeLessThanOrEqual(invoiceFees.length + 1);
      }),
      { numRuns: 300 },
    );
  });
});
