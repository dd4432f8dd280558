import fc from "fast-check";
import { describe, expect, it } from "vitest";
import type { Invoice } from "../invoice.js";
import { balancesAfter, invoiceWithCreditBalances } from "./apply-credit-balances.js";
import type { CreditBalance } from "./consume-credit-balances.js";

const invoice = (totalAmountCents: number, overrides: Partial<Invoice> = {}): Invoice =>
  ({
    id: "inv-2",
    status: "finalized",
    invoiceType: "subscription",
    currency: "EUR",
    paymentStatus: totalAmountCents === 0 ? "succeeded" : "pending",
    totalAmountCents,
    subTotalIncludingTaxesAmountCents: totalAmountCents,
    ...overrides,
  }) as Invoice;

const balance = (
  id: string,
  cents: number,
  issuedAt: string,
  over: Partial<CreditBalance> = {},
): CreditBalance => ({
  creditNoteId: id,
  invoiceId: "inv-1",
  currency: "EUR",
  balanceAmountCents: cents,
  issuedAt,
  number: `INV-1-CN00${id}`,
  invoiceNumber: "INV-1",
  ...over,
});

describe("invoiceWithCreditBalances", () => {
  it("takes the oldest balances first, after taxes, and leaves the rest due", () => {
    const applied = invoiceWithCreditBalances(invoice(600), [
      balance("2", 300, "2026-02-02T00:00:00Z"),
      balance("1", 400, "2026-02-01T00:00:00Z"),
    ]);
    expect(applied.invoice).toMatchObject({
      totalAmountCents: 0,
      creditNotesAmountCents: 600,
      paymentStatus: "succeeded",
      creditNoteUses: [
        { creditNoteId: "1", amountCents: 400, number: "INV-1-CN001", invoiceNumber: "INV-1" },
        { creditNoteId: "2", amountCents: 200, number: "INV-1-CN002", invoiceNumber: "INV-1" },
      ],
    });
    expect(applied.uses.map((use) => [use.creditNoteId, use.balanceAfterCents, use.consumed])).toEqual([
      ["1", 0, true],
      ["2", 100, false],
    ]);
  });

  it("never takes another currency's balance, nor the invoice's own notes, nor twice", () => {
    const balances = [
      balance("1", 400, "2026-02-01T00:00:00Z", { currency: "USD" }),
      balance("2", 400, "2026-02-01T00:00:00Z", { invoiceId: "inv-2" }),
    ];
    expect(invoiceWithCreditBalances(invoice(600), balances).uses).toEqual([]);
    const once = invoiceWithCreditBalances(invoice(600), [balance("3", 100, "2026-02-01T00:00:00Z")]);
    expect(invoiceWithCreditBalances(once.invoice, [balance("3", 100, "2026-02-01T00:00:00Z")]).uses).toEqual(
      [],
    );
    expect(invoiceWithCreditBalances(invoice(600, { status: "draft" }), balances).uses).toEqual([]);
    const fresh = [balance("4", 100, "2026-02-01T00:00:00Z")];
    expect(invoiceWithCreditBalances(invoice(600, { invoiceType: "one_off" }), fresh).uses).toEqual([]);
    expect(invoiceWithCreditBalances(invoice(600, { invoiceType: "advance_charges" }), fresh).uses).toEqual(
      [],
    );
  });

  it("property: invoices of one customer finalized one after the other never take more than the balances, nor go below zero", () => {
    fc.assert(
      fc.property(
        fc.array(fc.integer({ min: 0, max: 5000 }), { minLength: 1, maxLength: 6 }),
        fc.array(fc.integer({ min: 1, max: 5000 }), { minLength: 0, maxLength: 6 }),
        (totals, amounts) => {
          let balances = amounts.map((cents, index) =>
            balance(String(index), cents, `2026-02-0${index + 1}T00:00:00Z`),
          );
          const available = amounts.reduce((sum, cents) => sum + cents, 0);
          let taken = 0;
          for (const [index, total] of totals.entries()) {
            const applied = invoiceWithCreditBalances(invoice(total, { id: `next-${index}` }), balances);
            expect(applied.invoice.totalAmountCents).toBeGreaterThanOrEqual(0);
            expect(applied.invoice.totalAmountCents + (applied.invoice.creditNotesAmountCents ?? 0)).toBe(
              total,
            );
            taken += applied.invoice.creditNotesAmountCents ?? 0;
            balances = balancesAfter(balances, applied.uses);
            for (const left of balances) expect(left.balanceAmountCents).toBeGreaterThanOrEqual(0);
          }
          expect(taken + balances.reduce((sum, left) => sum + left.balanceAmountCents, 0)).toBe(available);
          // Each takes what it can: together, all the balances or all they owe.
          expect(taken).toBe(
            Math.min(
              available,
              totals.reduce((sum, total) => sum + total, 0),
            ),
          );
        },
      ),
    );
  });
});
