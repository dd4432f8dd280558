import fc from "fast-check";
import { describe, expect, it } from "vitest";
import {
  type CreditableFee,
  creditNoteAmounts,
  type EarlierCreditNoteRounding,
} from "./credit-note-amounts.js";
import {
  creditNoteSplitErrors,
  type InvoiceCreditState,
  invoiceCreditableAmountCents,
  invoiceRefundableAmountCents,
  invoiceWholeCreditableAmountCents,
  settleCreditNoteSplit,
} from "./credit-note-limits.js";

const fee = (over: Partial<CreditableFee> & Pick<CreditableFee, "id" | "amountCents">): CreditableFee => ({
  preciseCouponsAmountCents: "0",
  taxes: [],
  creditedAmountCents: 0,
  ...over,
});

// Lago's credit note scenario: plans of 179.00 and 399.00, a 10% tax on both and another 10% on
// the second plan only, and a fixed 250.00 coupon limited to the second plan.
const plan1 = fee({ id: "plan1", amountCents: 17_900, taxes: [{ code: "vat", rate: "10" }] });
const plan2 = fee({
  id: "plan2",
  amountCents: 39_900,
  preciseCouponsAmountCents: "25000",
  taxes: [
    { code: "vat", rate: "10" },
    { code: "plan2_tax", rate: "10" },
  ],
});

const invoiceState = (over: Partial<InvoiceCreditState> = {}): InvoiceCreditState => ({
  fees: [plan1, plan2],
  totalAmountCents: 37_570,
  totalPaidAmountCents: 0,
  paymentStatus: "pending",
  creditedAmountCents: 0,
  refundedAmountCents: 0,
  offsetAmountCents: 0,
  ...over,
});

const amountsOf = (
  fees: readonly CreditableFee[],
  items: { feeId: string; amountCents: number }[],
  earlierCreditNotes: EarlierCreditNoteRounding[] = [],
) => {
  const result = creditNoteAmounts({ fees, earlierCreditNotes }, items);
  if (!result.ok) throw new Error(JSON.stringify(result.error));
  return result.amounts;
};

describe("a credit note's amounts, as Lago computes them", () => {
  it("Lago's estimate: 262.60 of the couponed 399.00 fee is 164.54 of coupon, 98.06 net, 19.61 taxes, 117.67 at most", () => {
    const amounts = amountsOf([plan1, plan2], [{ feeId: "plan2", amountCents: 26_260 }]);
    expect(amounts).toMatchObject({
      itemsAmountCents: 26_260,
      couponsAdjustmentAmountCents: 16_454,
      subTotalExcludingTaxesAmountCents: 9_806,
      taxesAmountCents: 1_961,
      taxesRate: "20",
      totalAmountCents: 11_767,
    });
    expect(amounts.appliedTaxes.map((tax) => [tax.code, tax.baseAmountCents, tax.amountCents])).toEqual([
      ["vat", 9_806, 981],
      ["plan2_tax", 9_806, 981],
    ]);
  });

  it("the invoice of that scenario is creditable for its whole total, 375.70, while nothing is credited", () => {
    expect(invoiceCreditableAmountCents(invoiceState())).toBe(37_570);
    // After the 117.67 note above, what it took is no longer creditable.
    expect(invoiceCreditableAmountCents(invoiceState({ creditedAmountCents: 11_767 }))).toBe(37_570 - 11_767);
  });

  it("Lago's termination credit notes: 3571 unused with 20% tax is 4285; 3929 in Los Angeles is 4715", () => {
    // The base fee paid in advance (5000, 20% tax), and the unused days' part of it as the item.
    const base = fee({ id: "base", amountCents: 5_000, taxes: [{ code: "vat_20", rate: "20" }] });
    const advance = (amountCents: number) => amountsOf([base], [{ feeId: "base", amountCents }]);
    expect(advance(3_571)).toMatchObject({ taxesAmountCents: 714, totalAmountCents: 4_285 });
    expect(advance(3_929)).toMatchObject({ taxesAmountCents: 786, totalAmountCents: 4_715 });
  });

  it("refuses an unknown fee, a negative amount, and more than what is left of a fee, even across two items", () => {
    const fees = [plan1, { ...plan2, creditedAmountCents: 39_000 }];
    const check = (items: { feeId: string; amountCents: number }[]) =>
      creditNoteAmounts({ fees, earlierCreditNotes: [] }, items);
    expect(check([{ feeId: "other", amountCents: 1 }])).toEqual({
      ok: false,
      error: { kind: "fee_not_found", feeId: "other" },
    });
    expect(check([{ feeId: "plan1", amountCents: -1 }])).toMatchObject({ error: { code: "invalid_value" } });
    expect(check([{ feeId: "plan1", amountCents: 0.5 }])).toMatchObject({ error: { code: "invalid_value" } });
    expect(check([{ feeId: "plan2", amountCents: 901 }])).toMatchObject({
      error: { code: "higher_than_remaining_fee_amount" },
    });
    expect(
      check([
        { feeId: "plan2", amountCents: 500 },
        { feeId: "plan2", amountCents: 401 },
      ]),
    ).toMatchObject({ error: { code: "higher_than_remaining_fee_amount" } });
    expect(check([{ feeId: "plan2", amountCents: 900 }]).ok).toBe(true);
  });

  it("the note taking the rest gives back what earlier notes' tax rounding gained, so the taxes add up", () => {
    const taxed = (creditedAmountCents: number) =>
      fee({ id: "f", amountCents: 1_000, taxes: [{ code: "t", rate: "8.875" }], creditedAmountCents });
    const first = amountsOf([taxed(0)], [{ feeId: "f", amountCents: 333 }]);
    const second = amountsOf([taxed(333)], [{ feeId: "f", amountCents: 333 }], [first]);
    const last = amountsOf([taxed(666)], [{ feeId: "f", amountCents: 334 }], [first, second]);
    expect([first.taxesAmountCents, second.taxesAmountCents, last.taxesAmountCents]).toEqual([30, 30, 29]);
    // The invoice's tax: 8.875% of 10.00 is 0.8875, 89 cents.
    expect(first.taxesAmountCents + second.taxesAmountCents + last.taxesAmountCents).toBe(89);
  });
});

describe("a credit note's split, against Lago's limits", () => {
  it("must add up to the items' worth within a cent, and be positive", () => {
    const state = invoiceState();
    const split = (creditAmountCents: number, refundAmountCents = 0, offsetAmountCents = 0) => ({
      creditAmountCents,
      refundAmountCents,
      offsetAmountCents,
    });
    expect(creditNoteSplitErrors(state, 11_767, split(11_767))).toEqual({});
    expect(creditNoteSplitErrors(state, 11_767, split(11_768))).toEqual({});
    expect(creditNoteSplitErrors(state, 11_767, split(11_769))).toEqual({
      base: ["does_not_match_item_amounts"],
    });
    expect(creditNoteSplitErrors(state, 0, split(0))).toEqual({ base: ["total_amount_must_be_positive"] });
    expect(creditNoteSplitErrors(state, 100, split(-1, 101))).toEqual({
      credit_amount_cents: ["invalid_value"],
    });
  });

  it("refunds only what was paid and not yet refunded, and offsets only what is due", () => {
    const unpaid = invoiceState();
    const split = { creditAmountCents: 0, refundAmountCents: 1_000, offsetAmountCents: 0 };
    expect(creditNoteSplitErrors(unpaid, 1_000, split)).toEqual({
      refund_amount_cents: ["cannot_refund_unpaid_invoice"],
    });
    const paid = invoiceState({
      totalPaidAmountCents: 37_570,
      paymentStatus: "succeeded",
      refundedAmountCents: 37_000,
    });
    // 37000 refunded already: 570 is left to refund, and to credit in any way.
    expect(creditNoteSplitErrors(paid, 1_000, split)).toEqual({
      refund_amount_cents: ["higher_than_remaining_invoice_amount"],
      base: ["higher_than_remaining_invoice_amount"],
    });
    expect(creditNoteSplitErrors(paid, 570, { ...split, refundAmountCents: 570 })).toEqual({});
    expect(invoiceRefundableAmountCents(paid)).toBe(570);
    const partlyPaid = invoiceState({ totalPaidAmountCents: 37_000 });
    expect(
      creditNoteSplitErrors(partlyPaid, 1_000, {
        creditAmountCents: 0,
        refundAmountCents: 0,
        offsetAmountCents: 1_000,
      }),
    ).toEqual({ offset_amount_cents: ["higher_than_remaining_invoice_amount"] });
    expect(
      creditNoteSplitErrors(partlyPaid, 570, {
        creditAmountCents: 0,
        refundAmountCents: 0,
        offsetAmountCents: 570,
      }),
    ).toEqual({});
  });

  it("a split a cent off the items' worth is stored as the items' worth, the cent on the credit first", () => {
    expect(
      settleCreditNoteSplit(100, { creditAmountCents: 60, refundAmountCents: 41, offsetAmountCents: 0 }),
    ).toEqual({
      creditAmountCents: 59,
      refundAmountCents: 41,
      offsetAmountCents: 0,
    });
    expect(
      settleCreditNoteSplit(100, { creditAmountCents: 0, refundAmountCents: 99, offsetAmountCents: 0 }),
    ).toEqual({
      creditAmountCents: 0,
      refundAmountCents: 100,
      offsetAmountCents: 0,
    });
  });
});

describe("credit notes never credit more than the invoice", () => {
  const rates = fc.constantFrom("0", "5.5", "8.875", "10", "20", "21");
  const fees = fc
    .array(
      fc.record({
        amountCents: fc.integer({ min: 1, max: 1_000_000 }),
        couponPercent: fc.integer({ min: 0, max: 100 }),
        rates: fc.uniqueArray(rates, { maxLength: 2 }),
      }),
      { minLength: 1, maxLength: 4 },
    )
    .map((specs) =>
      specs.map(
        (spec, index): CreditableFee => ({
          id: `fee${index}`,
          amountCents: spec.amountCents,
          preciseCouponsAmountCents: String((spec.amountCents * spec.couponPercent) / 100),
          taxes: spec.rates.map((rate) => ({ code: `tax${rate}`, rate })),
          creditedAmountCents: 0,
        }),
      ),
    );

  it("notes taking random parts of each fee, then the rest, add up to the invoice's creditable amount", () => {
    fc.assert(
      fc.property(
        fees,
        fc.array(fc.double({ min: 0, max: 1, noNaN: true }), { minLength: 1, maxLength: 5 }),
        (start, cuts) => {
          const whole = invoiceWholeCreditableAmountCents(start);
          let current = start;
          const earlier: EarlierCreditNoteRounding[] = [];
          let credited = 0;
          for (const [index, cut] of [...cuts, 1].entries()) {
            const last = index === cuts.length;
            const items = current
              .map((f) => {
                const left = f.amountCents - f.creditedAmountCents;
                return { feeId: f.id, amountCents: last ? left : Math.floor(left * cut) };
              })
              .filter((item) => item.amountCents > 0);
            if (items.length === 0) continue;
            const amounts = amountsOf(current, items, earlier);
            // No note is ever worth more than what the invoice has left.
            expect(amounts.totalAmountCents).toBeLessThanOrEqual(
              invoiceCreditableAmountCents(invoiceState({ fees: start, creditedAmountCents: credited })),
            );
            credited += amounts.totalAmountCents;
            earlier.push(amounts);
            current = current.map((f) => ({
              ...f,
              creditedAmountCents:
                f.creditedAmountCents + (items.find((item) => item.feeId === f.id)?.amountCents ?? 0),
            }));
          }
          expect(credited).toBe(whole);
        },
      ),
      { numRuns: 300 },
    );
  });
});

describe("refunds never pay back more than was paid", () => {
  it("whatever refunds are asked for in turn, the ones accepted add up to at most the payment", () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 0, max: 37_570 }),
        fc.array(fc.integer({ min: 1, max: 20_000 }), { minLength: 1, maxLength: 8 }),
        (paid, asked) => {
          let refunded = 0;
          for (const refund of asked) {
            const state = invoiceState({
              totalPaidAmountCents: paid,
              paymentStatus: paid === 37_570 ? "succeeded" : "pending",
              refundedAmountCents: refunded,
            });
            const split = { creditAmountCents: 0, refundAmountCents: refund, offsetAmountCents: 0 };
            if (Object.keys(creditNoteSplitErrors(state, refund, split)).length === 0) refunded += refund;
          }
          expect(refunded).toBeLessThanOrEqual(paid);
        },
      ),
      { numRuns: 300 },
    );
  });
});
