/**
 * Voiding an invoice with `generate_credit_note` (Lago's void service), as steps derived from the
 * invoice and its credit notes alone: the note asked for (credit and refund), the invoice voided,
 * and a second note for what is left to credit, voided at once. Whoever runs it again (a retry
 * after a crash, the client sending it twice) reads where it stands and takes the next step only,
 * so the invoice is voided once and never gets a third note. Pure: `now` comes in as an argument.
 */
import { type CreditNote, creditNoteVoidRefusal } from "../credit-notes/credit-note.js";
import {
  invoiceCreditableAmountCents,
  invoiceRefundableAmountCents,
} from "../credit-notes/credit-note-limits.js";
import {
  creditableFees,
  earlierCreditNotes,
  invoiceCreditState,
} from "../credit-notes/invoice-credit-state.js";
import type { CreditNoteRequest } from "../credit-notes/issue-credit-note.js";
import {
  type VoidCreditNote,
  type VoidCreditNoteRequest,
  voidInvoiceCreditNotes,
} from "../credit-notes/void-invoice-credit-notes.js";
import type { Invoice } from "../invoice.js";
import { forcedVoidRefusal } from "./void.js";

export type VoidWithCreditNotesStep =
  /** Lago's 422 on `credit_refund_amount`: more asked than the invoice can credit or refund. */
  | { readonly kind: "invalid"; readonly code: "total_amount_exceeds_invoice_amount" }
  /** Lago's 405: a draft, or an invoice voided already. */
  | { readonly kind: "refused"; readonly code: "not_voidable" }
  /** `key`: the note is made once under it, however many runs ask for it at once. */
  | { readonly kind: "create_note"; readonly request: CreditNoteRequest; readonly key: string }
  | { readonly kind: "void_invoice" }
  | { readonly kind: "void_note"; readonly creditNoteId: string }
  /** Nothing is left to do: the invoice is voided with its notes. */
  | { readonly kind: "done" };

/** The keys of a void's notes: the first (made while the invoice is still finalized), the rest. */
const VOID_FIRST_NOTE_KEY = "void#first";
const VOID_REST_NOTE_KEY = "void#rest";

/** The description of the note taking what voiding `invoice` left to credit, which marks it. */
export const voidRemainderDescription = (invoice: Pick<Invoice, "number">): string =>
  `Rest of voided invoice ${invoice.number}, voided at once`;

const requestedDescription = (invoice: Pick<Invoice, "number">): string =>
  `Issued on voiding invoice ${invoice.number}`;

const forVoid = (invoice: Invoice) => {
  const state = invoiceCreditState(invoice);
  return {
    fees: creditableFees(invoice),
    earlierCreditNotes: earlierCreditNotes(invoice),
    creditableAmountCents: invoiceCreditableAmountCents(state),
    refundableAmountCents: invoiceRefundableAmountCents(state),
  };
};

const noteRequest = (note: VoidCreditNote, description: string): CreditNoteRequest => ({
  origin: "void",
  reason: "other",
  description,
  items: note.items,
  split: note.split,
  metadata: {},
});

/** Lago's 422 code when the amounts asked exceed what the invoice can credit or refund now. */
export function voidAmountsRefusal(
  invoice: Invoice,
  request: VoidCreditNoteRequest,
): "total_amount_exceeds_invoice_amount" | null {
  const plan = voidInvoiceCreditNotes(forVoid(invoice), request);
  return plan.ok ? null : plan.code;
}

/**
 * The next step of voiding `invoice` with credit notes, given its credit notes (all of them). A
 * run begins with its first note, written while the invoice is still finalized: a note of origin
 * `void` is what says a run began, since the void itself records nothing else. Before that the
 * amounts asked are checked (before the status, as Lago does); once begun, the amounts of the run
 * that began hold and a retry's are not read again.
 */
export function nextVoidWithCreditNotesStep(
  invoice: Invoice,
  creditNotes: readonly CreditNote[],
  request: VoidCreditNoteRequest,
): VoidWithCreditNotesStep {
  const voidNotes = creditNotes.filter((note) => note.origin === "void");
  if (voidNotes.length === 0) {
    const plan = voidInvoiceCreditNotes(forVoid(invoice), request);
    if (!plan.ok) return { kind: "invalid", code: plan.code };
    if (forcedVoidRefusal(invoice)) return { kind: "refused", code: "not_voidable" };
    if (plan.requested)
      return {
        kind: "create_note",
        request: noteRequest(plan.requested, requestedDescription(invoice)),
        key: VOID_FIRST_NOTE_KEY,
      };
    if (plan.remainder)
      return {
        kind: "create_note",
        request: noteRequest(plan.remainder, voidRemainderDescription(invoice)),
        key: VOID_FIRST_NOTE_KEY,
      };
    return { kind: "void_invoice" };
  }
  if (invoice.status === "finalized") return { kind: "void_invoice" };
  const description = voidRemainderDescription(invoice);
  const remainder = voidNotes.find((note) => note.description === description);
  if (!remainder) {
    // A run makes two notes at most: the one asked for, then the remainder.
    const rest = voidInvoiceCreditNotes(forVoid(invoice), { creditAmountCents: 0, refundAmountCents: 0 });
    if (voidNotes.length < 2 && rest.ok && rest.remainder)
      return {
        kind: "create_note",
        request: noteRequest(rest.remainder, description),
        key: VOID_REST_NOTE_KEY,
      };
    return { kind: "done" };
  }
  // A remainder whose balance a finalization took meanwhile has nothing left to void.
  if (!creditNoteVoidRefusal(remainder)) return { kind: "void_note", creditNoteId: remainder.id };
  return { kind: "done" };
}
