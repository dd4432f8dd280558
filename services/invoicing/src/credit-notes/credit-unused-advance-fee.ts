import { hasCreditNoteKey, withCreditNoteKey } from "#shared/domain/credit-notes/invoice-credit-state.js";
import { type CreditNoteRefusal, issueCreditNote } from "#shared/domain/credit-notes/issue-credit-note.js";
import {
  terminationChoice,
  terminationCreditNoteRequest,
} from "#shared/domain/credit-notes/termination-credit-note.js";
import type { Invoice } from "#shared/domain/invoice.js";
import { stableUuid } from "#shared/platform/ids.js";
import type { CatalogStore } from "#shared/store/catalog-store.js";
import { MAX_CHANGE_ATTEMPTS } from "../invoices/refresh-draft.js";
import { CreditNoteStore, creditNoteId, type StoredCreditNote } from "../store/credit-note-store.js";
import { InvoiceContendedError, type InvoiceStore } from "../store/invoice-store.js";

/** What crediting a termination's unused days reads and writes. */
export interface UnusedAdvanceFeeCreditDeps {
  readonly invoices: Pick<InvoiceStore, "get">;
  /** Read only: the subscription's recorded `on_termination_credit_note`. */
  readonly catalog: Pick<CatalogStore, "subscriptionRecord">;
  /** Built on first use when not given (the invoices' table). */
  readonly creditNoteWrites?: Pick<CreditNoteStore, "create">;
}

export type UnusedAdvanceFeeCredit =
  | { readonly kind: "created"; readonly creditNote: StoredCreditNote }
  /** Made by an earlier run (a redelivery, a retry after a crash): nothing is made twice. */
  | { readonly kind: "already_made" }
  /** Skipped, or nothing left to credit (the invoice voided, the fee credited already). */
  | { readonly kind: "none" }
  /** Beyond what the invoice can still credit or refund (its other notes took it), or not issued. */
  | { readonly kind: "refused"; readonly refusal: CreditNoteRefusal };

/** The mark of the one credit note a termination invoice's unused days make. */
export const terminationCreditNoteKey = (terminationInvoiceId: string): string =>
  `termination#${terminationInvoiceId}`;

let defaultCreditNotes: CreditNoteStore | undefined;

/**
 * Makes the credit note giving back what a terminated pay-in-advance subscription paid ahead and
 * did not use (`termination.unusedAdvanceFee`), on the invoice that billed the fee, as the
 * subscription's termination asked (credit, refund, offset or skip; an upgrade credits), dated at
 * the termination as Lago makes it then. It is made once per termination invoice whoever runs it
 * again: its key is written with the note and the invoice's credit note sums, in the one
 * transaction conditional on the invoice as read, and a run finding it makes nothing. It owes
 * `credit_note.created` on its invoice, for that invoice's publication, and on a paid invoice its
 * refund, made by whoever publishes that.
 */
export async function creditUnusedAdvanceFee(
  deps: UnusedAdvanceFeeCreditDeps,
  termination: Pick<
    Invoice,
    "id" | "organizationId" | "subscriptionId" | "externalSubscriptionId" | "unusedAdvanceFee"
  >,
): Promise<UnusedAdvanceFeeCredit> {
  const unused = termination.unusedAdvanceFee;
  if (!unused) return { kind: "none" };
  const { organizationId } = termination;
  const record = await deps.catalog.subscriptionRecord(
    organizationId,
    termination.externalSubscriptionId,
    termination.subscriptionId,
  );
  const recorded =
    record?.subscription.id === termination.subscriptionId
      ? record.subscription.onTerminationCreditNote
      : undefined;
  const choice = terminationChoice(unused, recorded);
  const key = terminationCreditNoteKey(termination.id);
  if (!deps.creditNoteWrites) defaultCreditNotes ??= new CreditNoteStore();
  const creditNotes = deps.creditNoteWrites ?? (defaultCreditNotes as CreditNoteStore);
  const invoiceId = unused.invoiceId;
  for (let attempt = 0; attempt < MAX_CHANGE_ATTEMPTS * 4; attempt++) {
    const invoice = await deps.invoices.get(organizationId, invoiceId);
    if (!invoice) return { kind: "none" };
    if (hasCreditNoteKey(invoice, key)) return { kind: "already_made" };
    const request = terminationCreditNoteRequest(invoice, unused, choice);
    if (!request) return { kind: "none" };
    const place = String(invoice.creditNotes?.count ?? 0);
    const issued = issueCreditNote(
      invoice,
      request,
      {
        creditNoteId: (sequentialId) => creditNoteId(organizationId, invoiceId, sequentialId),
        itemId: (index) => stableUuid("credit-note-item", organizationId, invoiceId, place, String(index)),
        taxId: (code) => stableUuid("credit-note-tax", organizationId, invoiceId, place, code),
      },
      unused.terminatedAt,
    );
    if (!issued.ok) return { kind: "refused", refusal: issued.refusal };
    // Its refund is made through the invoice's provider as a requested note's: on a paid invoice.
    const refundOwed = issued.creditNote.refundAmountCents > 0 && invoice.paymentStatus === "succeeded";
    const outcome = await creditNotes.create(
      invoice,
      issued.creditNote,
      withCreditNoteKey(issued.invoiceCreditNotes, key),
      { refundOwed },
    );
    // Not written: the invoice changed (another note, a payment, this very note by a concurrent
    // run), read again.
    if (outcome.written) return { kind: "created", creditNote: { ...issued.creditNote, version: 1 } };
  }
  throw new InvoiceContendedError(invoiceId);
}
