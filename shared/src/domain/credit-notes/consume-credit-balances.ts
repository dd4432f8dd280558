/** A customer's credit note with a balance left to give to later invoices. */
export interface CreditBalance {
  readonly creditNoteId: string;
  /** The invoice the note credits: its balance is never applied back to that invoice. */
  readonly invoiceId: string;
  readonly currency: string;
  readonly balanceAmountCents: number;
  /** When the note was issued: the oldest balances are used first. */
  readonly issuedAt: string;
  /** The note's number and its invoice's, as the invoice taking it shows its credit. */
  readonly number?: string;
  readonly invoiceNumber?: string;
}

/** What one credit note gives an invoice, and what it has left. */
export interface CreditBalanceUse {
  readonly creditNoteId: string;
  readonly amountCents: number;
  readonly balanceBeforeCents: number;
  readonly balanceAfterCents: number;
  /** The note is `consumed` once its balance is spent. */
  readonly consumed: boolean;
}

/**
 * The customer's credit balances applied to an invoice after its taxes, as Lago applies them:
 * notes in the invoice's currency, from other invoices, oldest first, each giving what the invoice
 * still owes up to its balance, so the invoice never goes below zero and no balance below zero.
 * Returns each note used with its balance before (the store makes each use conditional on it, so
 * two finalizations can never spend one balance twice) and the amount credited in all.
 */
export function consumeCreditBalances(
  invoice: { readonly id: string; readonly currency: string; readonly totalAfterTaxesCents: number },
  balances: readonly CreditBalance[],
): { readonly uses: readonly CreditBalanceUse[]; readonly creditNotesAmountCents: number } {
  const usable = balances
    .filter(
      (note) =>
        note.currency === invoice.currency && note.invoiceId !== invoice.id && note.balanceAmountCents > 0,
    )
    .sort((a, b) => a.issuedAt.localeCompare(b.issuedAt) || a.creditNoteId.localeCompare(b.creditNoteId));
  const uses: CreditBalanceUse[] = [];
  let owed = Math.max(0, invoice.totalAfterTaxesCents);
  for (const note of usable) {
    if (owed === 0) break;
    const amountCents = Math.min(owed, note.balanceAmountCents);
    owed -= amountCents;
    const balanceAfterCents = note.balanceAmountCents - amountCents;
    uses.push({
      creditNoteId: note.creditNoteId,
      amountCents,
      balanceBeforeCents: note.balanceAmountCents,
      balanceAfterCents,
      consumed: balanceAfterCents === 0,
    });
  }
  return { uses, creditNotesAmountCents: uses.reduce((sum, use) => sum + use.amountCents, 0) };
}
