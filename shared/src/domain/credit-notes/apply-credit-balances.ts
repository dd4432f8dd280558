/**
 * An invoice at its finalization taking the customer's credit note balances, as Lago's
 * `Credits::CreditNoteService` applies them: after taxes, oldest note first, in the invoice's
 * currency, never from the invoice's own notes, up to what the invoice comes to. Its total is what
 * is left, and an invoice brought to zero is settled from the start. Pure.
 */
import { type Invoice, initialPaymentStatus } from "../invoice.js";
import {
  type CreditBalance,
  type CreditBalanceUse,
  consumeCreditBalances,
} from "./consume-credit-balances.js";

export function invoiceWithCreditBalances(
  invoice: Invoice,
  balances: readonly CreditBalance[],
): { readonly invoice: Invoice; readonly uses: readonly CreditBalanceUse[] } {
  // Once applied, never again (a finalization retried on the invoice it made). As Lago, only
  // subscription invoices take balances: not a one-off invoice, nor a regrouping of paid fees.
  if (
    invoice.status !== "finalized" ||
    invoice.invoiceType !== "subscription" ||
    invoice.creditNoteUses !== undefined
  )
    return { invoice, uses: [] };
  const { uses, creditNotesAmountCents } = consumeCreditBalances(
    { id: invoice.id, currency: invoice.currency, totalAfterTaxesCents: invoice.totalAmountCents },
    balances,
  );
  if (uses.length === 0) return { invoice, uses };
  const totalAmountCents = invoice.totalAmountCents - creditNotesAmountCents;
  return {
    invoice: {
      ...invoice,
      creditNotesAmountCents: (invoice.creditNotesAmountCents ?? 0) + creditNotesAmountCents,
      creditNoteUses: uses.map((use) => {
        const balance = balances.find((candidate) => candidate.creditNoteId === use.creditNoteId);
        return {
          creditNoteId: use.creditNoteId,
          amountCents: use.amountCents,
          number: balance?.number ?? "",
          invoiceNumber: balance?.invoiceNumber ?? "",
        };
      }),
      totalAmountCents,
      paymentStatus: initialPaymentStatus(totalAmountCents),
    },
    uses,
  };
}

/**
 * What is left of the balances once `uses` took from them: the next invoice of the same
 * finalization (several drafts of a customer finalized in one transaction) takes from the rest.
 */
export function balancesAfter(
  balances: readonly CreditBalance[],
  uses: readonly CreditBalanceUse[],
): CreditBalance[] {
  const after = new Map(uses.map((use) => [use.creditNoteId, use.balanceAfterCents]));
  return balances.map((balance) =>
    after.has(balance.creditNoteId)
      ? { ...balance, balanceAmountCents: after.get(balance.creditNoteId) as number }
      : balance,
  );
}
