import type { Customer } from "#shared/domain/catalog.js";
import type { CatalogStore } from "#shared/store/catalog-store.js";
import { type PaymentProvider, paymentProviderOf, type RefundOutcome } from "../payments/payment-provider.js";
import {
  CreditNoteStore,
  creditNoteId,
  type RefundEnd,
  type StoredCreditNote,
} from "../store/credit-note-store.js";
import type { InvoiceStore, StoredInvoice } from "../store/invoice-store.js";
import { type ManualPayment, PaymentStore } from "../store/payment-store.js";

/** What making a credit note's owed refund reads and writes. */
export interface RefundDeps {
  readonly catalog: Pick<CatalogStore, "getCustomer">;
  readonly invoices: Pick<InvoiceStore, "getCreditNote">;
  readonly refunds?: RefundStores;
  /** The adapter of a customer's provider (`paymentProviderOf` unless a test gives its own). */
  readonly refundProvider?: (customer: Customer | undefined) => Pick<PaymentProvider, "refund">;
}

/** The notes a refund ends and the payments it goes back on. */
export interface RefundStores {
  readonly creditNotes: Pick<CreditNoteStore, "get" | "endRefund" | "setRefundStatus">;
  readonly payments: Pick<PaymentStore, "list">;
}

let defaults: RefundStores | undefined;

/** The stores given, else the process's own, built on first use (most publishers name none). */
export function refundStores(deps: Pick<RefundDeps, "refunds">): RefundStores {
  if (deps.refunds) return deps.refunds;
  defaults ??= { creditNotes: new CreditNoteStore(), payments: new PaymentStore() };
  return defaults;
}

/** The note's customer as the catalog has it now (undefined if gone or replaced). */
export async function noteCustomer(
  deps: Pick<RefundDeps, "catalog">,
  note: Pick<StoredCreditNote, "organizationId" | "externalCustomerId" | "customerId">,
): Promise<Customer | undefined> {
  const customer = await deps.catalog.getCustomer(note.organizationId, note.externalCustomerId);
  return customer?.id === note.customerId ? customer : undefined;
}

/**
 * The invoice's payment a refund goes back through: its latest, as Lago's refunds take (every
 * payment recorded here has succeeded). One query of the organization's payments, as
 * `GET /payments?invoice_id=` reads them.
 */
export async function refundedPayment(
  payments: Pick<PaymentStore, "list">,
  note: Pick<StoredCreditNote, "organizationId" | "invoiceId">,
): Promise<ManualPayment | undefined> {
  const ofInvoice = (await payments.list(note.organizationId)).filter(
    (payment) => payment.invoiceId === note.invoiceId,
  );
  return ofInvoice.reduce<ManualPayment | undefined>(
    (latest, payment) => (!latest || payment.createdAt > latest.createdAt ? payment : latest),
    undefined,
  );
}

const endOf = (outcome: RefundOutcome): RefundEnd => {
  if (outcome.kind === "succeeded") return { kind: "succeeded" };
  if (outcome.kind === "failed") return { kind: "failed", failure: outcome.failure };
  // Taken (its webhook tells the rest), or nothing to refund through: it stays as it is.
  return { kind: "kept" };
};

/**
 * The refund the invoice's `sequentialId`-th credit note owes (written with the note, on a paid
 * invoice), made at `nowMs` (the wall clock) by whoever publishes its `credit_note.created`: as
 * Lago's `CreditNotes::Refunds::StripeService`, the note's refund amount through the customer's
 * provider, back on the invoice's latest payment, under the note's id as the provider's
 * idempotency key, so a refund made again after a crash is the same one at the provider. Its
 * outcome ends the mark in one write (a failure owes `credit_note.refund_failure` in it). Returns
 * false when the provider could not answer now (unreachable, its own error): the refund is owed
 * still, for the next publication. A note owing none is done at once.
 */
export async function refundOwedCreditNote(
  deps: RefundDeps,
  invoice: Pick<StoredInvoice, "organizationId" | "id">,
  sequentialId: number,
  nowMs: number,
): Promise<boolean> {
  const note = await deps.invoices.getCreditNote(
    invoice.organizationId,
    creditNoteId(invoice.organizationId, invoice.id, sequentialId),
  );
  if (!note?.refundOwed) return true;
  const { creditNotes, payments } = refundStores(deps);
  const customer = await noteCustomer(deps, note);
  const payment = await refundedPayment(payments, note);
  let outcome: RefundOutcome;
  try {
    outcome = await (deps.refundProvider ?? paymentProviderOf)(customer).refund({
      creditNote: note,
      customer,
      payment,
      key: note.id,
    });
  } catch {
    return false;
  }
  await creditNotes.endRefund(note, endOf(outcome), new Date(nowMs).toISOString());
  return true;
}
