/**
 * A credit note as a printable document, as Lago's template shows it: the parties as on its
 * invoice, its number and the invoice it credits, its issuing date, reason and statuses, one row
 * per item (the credited fee's name and period, its tax rate, the amount taken from it), then the
 * amounts down to the total and how the total is given back (credit, refund, offset), each in the
 * currency's format. Pure.
 */
import type { Customer, Organization } from "#shared/domain/catalog.js";
import type {
  CreditNote,
  CreditNoteItem,
  CreditNoteReason,
  RefundStatus,
} from "#shared/domain/credit-notes/credit-note.js";
import type { Invoice, InvoiceFee } from "#shared/domain/invoice.js";
import { decimal } from "#shared/domain/money.js";
import {
  type DocumentField,
  type DocumentRow,
  type DocumentSummaryLine,
  formatAmount,
  formatDate,
  formatDays,
  formatRate,
  type RenderableDocument,
} from "./document-model.js";
import { issuerOf, recipientOf } from "./document-parties.js";
import { feeName } from "./invoice-document.js";

/** The reasons as Lago's app names them. */
const REASON_LABELS: Readonly<Record<CreditNoteReason, string>> = {
  duplicated_charge: "Duplicated charge",
  product_unsatisfactory: "Product unsatisfactory",
  order_change: "Order change",
  order_cancellation: "Order cancellation",
  fraudulent_charge: "Fraudulent charge",
  other: "Other",
};

const REFUND_STATUS_LABELS: Readonly<Record<RefundStatus, string>> = {
  pending: "Pending",
  succeeded: "Succeeded",
  failed: "Failed",
};

function fieldsOf(creditNote: CreditNote): DocumentField[] {
  return [
    { label: "Credit note number", value: creditNote.number },
    { label: "Invoice number", value: creditNote.invoiceNumber },
    { label: "Issuing date", value: formatDate(creditNote.issuingDate) },
    { label: "Currency", value: creditNote.currency },
    { label: "Reason", value: REASON_LABELS[creditNote.reason] },
    ...(creditNote.creditStatus === "voided" ? [{ label: "Status", value: "Voided" }] : []),
    ...(creditNote.refundStatus
      ? [{ label: "Refund status", value: REFUND_STATUS_LABELS[creditNote.refundStatus] }]
      : []),
  ];
}

/** Lago's line under the total: how it was given back, and when. */
function noticeOf(creditNote: CreditNote): string[] {
  const date = formatDate(creditNote.issuingDate);
  const credited = creditNote.creditAmountCents > 0;
  const refunded = creditNote.refundAmountCents > 0;
  const offset = creditNote.offsetAmountCents > 0;
  if ([credited, refunded, offset].filter(Boolean).length > 1) return [`Issued on ${date}`];
  if (credited) return [`Credited on customer balance on ${date}`];
  if (refunded) return [`Refunded on ${date}`];
  if (offset) return [`Offset invoice ${creditNote.invoiceNumber} on ${date}`];
  return [];
}

function itemRow(item: CreditNoteItem, fee: InvoiceFee, invoice: Invoice): DocumentRow {
  // As on the invoice: an add-on is billed once, its fee's span is no period of service.
  const period =
    fee.feeType === "add_on" ? [] : [formatDays(fee.fromDatetime, fee.toDatetime, invoice.timezone)];
  return {
    cells: [feeName(fee), formatRate(fee.taxesRate), formatAmount(item.amountCents, invoice.currency)],
    details: period,
  };
}

function rowsOf(creditNote: CreditNote, invoice: Invoice): DocumentRow[] {
  const fees = new Map(invoice.fees.map((fee) => [fee.id, fee]));
  return creditNote.items.map((item) => {
    const fee = fees.get(item.feeId);
    // A note printed with another invoice's fees would credit what it does not.
    if (!fee)
      throw new Error(`credit note ${creditNote.number}: fee ${item.feeId} is not on ${invoice.number}`);
    return itemRow(item, fee, invoice);
  });
}

/**
 * The note's amounts as Lago's template lists them: coupons, the subtotal before taxes, each tax
 * (highest rate first), the total, then what of it is credited, refunded and offset, and what is
 * left of its credit.
 */
function summaryOf(creditNote: CreditNote): DocumentSummaryLine[] {
  const money = (cents: number) => formatAmount(cents, creditNote.currency);
  const line = (label: string, value: string, emphasis = false) => ({ label, value, emphasis });
  const taxes = [...creditNote.appliedTaxes].sort((a, b) =>
    decimal(b.taxRate).comparedTo(decimal(a.taxRate)),
  );
  return [
    ...(creditNote.couponsAdjustmentAmountCents !== 0
      ? [line("Coupons", `-${money(creditNote.couponsAdjustmentAmountCents)}`)]
      : []),
    line("Sub total excluding taxes", money(creditNote.subTotalExcludingTaxesAmountCents)),
    ...(taxes.length === 0
      ? [line("Tax (0%)", money(0))]
      : taxes.map((tax) =>
          line(
            `${tax.taxName} (${formatRate(tax.taxRate)} on ${money(tax.baseAmountCents)})`,
            money(tax.amountCents),
          ),
        )),
    line("Total", money(creditNote.totalAmountCents), true),
    ...(creditNote.creditAmountCents > 0
      ? [line("Credited on customer balance", money(creditNote.creditAmountCents))]
      : []),
    ...(creditNote.refundAmountCents > 0 ? [line("Refunded", money(creditNote.refundAmountCents))] : []),
    ...(creditNote.offsetAmountCents > 0
      ? [line(`Offset on invoice ${creditNote.invoiceNumber}`, money(creditNote.offsetAmountCents))]
      : []),
    ...(creditNote.creditAmountCents > 0
      ? [line("Credit balance left", money(creditNote.balanceAmountCents))]
      : []),
  ];
}

/** What a credit note's document is made from: the note, the invoice it credits and their parties. */
export interface CreditNoteDocumentSources {
  readonly creditNote: CreditNote;
  readonly invoice: Invoice;
  readonly organization: Organization;
  /** Undefined when the catalog no longer has it: its external id is printed. */
  readonly customer: Customer | undefined;
}

export function creditNoteDocument({
  creditNote,
  invoice,
  organization,
  customer,
}: CreditNoteDocumentSources): RenderableDocument {
  if (creditNote.invoiceId !== invoice.id)
    throw new Error(
      `credit note ${creditNote.number} credits invoice ${creditNote.invoiceId}, not ${invoice.id}`,
    );
  return {
    title: "Credit note",
    reference: creditNote.number,
    issuer: issuerOf(organization),
    recipient: recipientOf(invoice, customer),
    fields: fieldsOf(creditNote),
    notes: noticeOf(creditNote),
    columns: [
      { label: "Item", align: "left", width: 0.6 },
      { label: "Tax rate", align: "right", width: 0.15 },
      { label: "Amount (excl. tax)", align: "right", width: 0.25 },
    ],
    rows: rowsOf(creditNote, invoice),
    summary: summaryOf(creditNote),
    issuedAt: creditNote.createdAt,
  };
}
