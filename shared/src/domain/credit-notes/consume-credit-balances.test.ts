import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { type CreditBalance, consumeCreditBalances } from "./consume-credit-balances.js";

const note = (over: Partial<CreditBalance> & Pick<CreditBalance, "creditNoteId">): CreditBalance => ({
  invoiceId: "earlier",
  currency: "EUR",
  balanceAmountCents: 1_000,
  issuedAt: "2026-01-01T00:00:00.000Z",
  ...over,
});
const invoice = (totalAfterTaxesCents: number) => ({ id: "new", currency: "EUR", totalAfterTaxesCents });

describe("credit balances on the next invoice, after taxes", () => {
  it("oldest note first, each up to what is still owed; a note spent is consumed", () => {
    const result = consumeCreditBalances(invoice(1_500), [
      note({ creditNoteId: "newer", issuedAt: "2026-02-01T00:00:00.000Z" }),
      note({ creditNoteId: "older", balanceAmountCents: 800 }),
    ]);
    expect(result.creditNotesAmountCents).toBe(1_500);
    expect(result.uses).toEqual([
      {
        creditNoteId: "older",
        amountCents: 800,
        balanceBeforeCents: 800,
        balanceAfterCents: 0,
        consumed: true,
      },
      {
        creditNoteId: "newer",
        amountCents: 700,
        balanceBeforeCents: 1_000,
        balanceAfterCents: 300,
        consumed: false,
      },
    ]);
  });

  it("leaves out other currencies, the invoice's own notes, and spent balances; a zero invoice takes nothing", () => {
    const balances = [
      note({ creditNoteId: "usd", currency: "USD" }),
      note({ creditNoteId: "own", invoiceId: "new" }),
      note({ creditNoteId: "spent", balanceAmountCents: 0 }),
    ];
    expect(consumeCreditBalances(invoice(5_000), balances).uses).toEqual([]);
    expect(consumeCreditBalances(invoice(0), [note({ creditNoteId: "a" })]).uses).toEqual([]);
  });

  it("never credits more than the invoice or a balance holds", () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 0, max: 100_000 }),
        fc.array(fc.integer({ min: 0, max: 50_000 }), { maxLength: 6 }),
        (total, amounts) => {
          const balances = amounts.map((balanceAmountCents, index) =>
            note({
              creditNoteId: `n${index}`,
              balanceAmountCents,
              issuedAt: `2026-01-0${(index % 9) + 1}T00:00:00Z`,
            }),
          );
          const result = consumeCreditBalances(invoice(total), balances);
          expect(result.creditNotesAmountCents).toBeLessThanOrEqual(total);
          expect(result.creditNotesAmountCents).toBe(
            Math.min(
              total,
              amounts.reduce((a, b) => a + b, 0),
            ),
          );
          for (const use of result.uses) {
            expect(use.balanceAfterCents).toBeGreaterThanOrEqual(0);
            expect(use.balanceBeforeCents - use.amountCents).toBe(use.balanceAfterCents);
          }
        },
      ),
    );
  });
});
