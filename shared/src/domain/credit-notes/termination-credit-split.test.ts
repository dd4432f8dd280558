import { describe, expect, it } from "vitest";
import { creditNoteAmounts } from "./credit-note-amounts.js";
import { paidForFeeCents, terminationCreditSplit } from "./termination-credit-split.js";

// Lago's February case: 5000 a month in advance, 20% tax, started and ended on 8 February 2023.
// Its invoice: 21/28 of 5000 = 3750, plus 750 of tax, 4500; the credit note: 20/28 of 5000.
const base = {
  id: "base",
  amountCents: 3_750,
  preciseCouponsAmountCents: "0",
  taxes: [{ code: "vat", rate: "20" }],
  creditedAmountCents: 0,
};
const worth = (amountCents: number) => {
  const result = creditNoteAmounts({ fees: [base], earlierCreditNotes: [] }, [
    { feeId: "base", amountCents },
  ]);
  if (!result.ok) throw new Error("not creditable");
  return result.amounts.totalAmountCents;
};

describe("a termination credit note's split", () => {
  it("credit: the unused days' 4285 all as a balance; skip: no credit note", () => {
    const input = {
      totalCreditableCents: worth(3_571),
      paidForFeeCents: "0",
      usedCreditableCents: worth(179),
    };
    expect(terminationCreditSplit({ ...input, onTermination: "credit" })).toEqual({
      creditAmountCents: 4_285,
      refundAmountCents: 0,
      offsetAmountCents: 0,
    });
    expect(terminationCreditSplit({ ...input, onTermination: "skip" })).toBeNull();
    expect(terminationCreditSplit({ ...input, totalCreditableCents: 0, onTermination: "credit" })).toBeNull();
  });

  it("refund: what was paid less the used day's worth comes back, the rest is credited", () => {
    // The 4500 invoice paid in full; one day (179 before tax, 215 with it) was used.
    const paid = paidForFeeCents({
      feeSubTotalExcludingTaxesPreciseCents: "3750",
      feeTaxesPreciseCents: "750",
      invoiceSubTotalIncludingTaxesCents: 4_500,
      invoiceTotalPaidCents: 4_500,
    });
    expect(paid).toBe("4500");
    const split = terminationCreditSplit({
      onTermination: "refund",
      totalCreditableCents: worth(3_571),
      paidForFeeCents: paid,
      usedCreditableCents: worth(179),
    });
    expect(split).toEqual({ creditAmountCents: 0, refundAmountCents: 4_285, offsetAmountCents: 0 });
  });

  it("refund of a half-paid invoice: only the part paid past the used days, the rest credited or offset", () => {
    const paid = paidForFeeCents({
      feeSubTotalExcludingTaxesPreciseCents: "3750",
      feeTaxesPreciseCents: "750",
      invoiceSubTotalIncludingTaxesCents: 4_500,
      invoiceTotalPaidCents: 2_250,
    });
    const input = { totalCreditableCents: 4_285, paidForFeeCents: paid, usedCreditableCents: 215 };
    expect(terminationCreditSplit({ ...input, onTermination: "refund" })).toEqual({
      creditAmountCents: 2_250,
      refundAmountCents: 2_035,
      offsetAmountCents: 0,
    });
    expect(terminationCreditSplit({ ...input, onTermination: "offset" })).toEqual({
      creditAmountCents: 0,
      refundAmountCents: 2_035,
      offsetAmountCents: 2_250,
    });
    // Nothing paid: nothing refunded.
    expect(terminationCreditSplit({ ...input, paidForFeeCents: "0", onTermination: "refund" })).toEqual({
      creditAmountCents: 4_285,
      refundAmountCents: 0,
      offsetAmountCents: 0,
    });
  });
});
