/**
 * An invoice as a printable document: the organization and the customer with their legal details
 * and addresses, the number, issuing and due dates, the billing periods in the customer's
 * timezone with the zone named, one row per fee (name, units, unit amount, taxes, amount) and the
 * amounts down to the total due, each in the currency's format. Pure.
 */
import type { Customer, Organization } from "#shared/domain/catalog.js";
import type { Invoice, InvoiceFee } from "#shared/domain/invoice.js";
import { totalDueAmountCents } from "#shared/domain/invoices/void.js";
import {
  type DocumentRow,
  type DocumentSummaryLine,
  formatAmount,
  formatDate,
  formatDays,
  formatPeriod,
  formatQuantity,
  formatRate,
  formatUnitAmount,
  type RenderableDocument,
} from "./document-model.js";
import { issuerOf, recipientOf } from "./document-parties.js";

/** A fee's name as its invoice shows it: its display name, its filter's, its pricing group's values. */
export function feeName(fee: InvoiceFee): string {
  const name = fee.invoiceDisplayName || fee.itemName;
  const groups = Object.values(fee.groupedBy ?? {}).filter((value): value is string => value !== null);
  return [name, fee.filterInvoiceDisplayName, ...groups].filter(Boolean).join(" • ");
}

function feeRow(fee: InvoiceFee, invoice: Invoice): DocumentRow {
  const taxes =
    fee.taxesAmountCents > 0 || Number(fee.taxesRate) > 0
      ? [`Taxes ${formatRate(fee.taxesRate)}: ${formatAmount(fee.taxesAmountCents, invoice.currency)}`]
      : [];
  const period =
    fee.feeType === "add_on" ? [] : [formatDays(fee.fromDatetime, fee.toDatetime, invoice.timezone)];
  return {
    cells: [
      feeName(fee),
      formatQuantity(fee.units),
      formatUnitAmount(fee.preciseUnitAmount, invoice.currency),
      formatRate(fee.taxesRate),
      formatAmount(fee.amountCents, invoice.currency),
    ],
    details: [...(fee.description ? [fee.description] : []), ...period, ...taxes],
  };
}

/** The periods the invoice bills, in its customer's timezone with the zone named. */
function periodNotes(invoice: Invoice): string[] {
  const periods = invoice.billingPeriods ?? [];
  if (invoice.invoiceType === "one_off") return [];
  if (periods.length === 0) {
    const end = new Date(Date.parse(invoice.periodEndsAt) - 1000).toISOString();
    return [`Billing period: ${formatPeriod(invoice.periodStartsAt, end, invoice.timezone)}`];
  }
  return periods.flatMap((period) => {
    const base = `Billing period: ${formatPeriod(period.fromDatetime, period.toDatetime, invoice.timezone)}`;
    const usage =
      period.chargesFromDatetime !== period.fromDatetime || period.chargesToDatetime !== period.toDatetime
        ? [`Usage: ${formatPeriod(period.chargesFromDatetime, period.chargesToDatetime, invoice.timezone)}`]
        : [];
    return [`Subscription ${period.externalSubscriptionId}`, base, ...usage];
  });
}

/**
 * The invoice's amounts as Lago's template lists them: fees, coupons, the subtotal before taxes,
 * each tax, the subtotal with taxes, credit notes and prepaid credits, the total and what is due.
 * Coupons, credit notes and prepaid credits take nothing off yet (they come with credits), but
 * their lines are printed so the arithmetic reads through.
 */
function summaryOf(invoice: Invoice): DocumentSummaryLine[] {
  const money = (cents: number) => formatAmount(cents, invoice.currency);
  const less = (cents: number) => (cents === 0 ? money(0) : `-${money(cents)}`);
  const line = (label: string, value: string, emphasis = false) => ({ label, value, emphasis });
  return [
    line("Fees", money(invoice.feesAmountCents)),
    line("Coupons", less(0)),
    line("Subtotal excluding taxes", money(invoice.subTotalExcludingTaxesAmountCents)),
    ...invoice.appliedTaxes.map((tax) =>
      line(
        `${tax.taxName} (${formatRate(tax.taxRate)} on ${money(tax.feesAmountCents)})`,
        money(tax.amountCents),
      ),
    ),
    line("Taxes", money(invoice.taxesAmountCents)),
    line("Subtotal including taxes", money(invoice.subTotalIncludingTaxesAmountCents)),
    line("Credit notes", less(0)),
    line("Prepaid credits", less(0)),
    line("Total", money(invoice.totalAmountCents), true),
    ...((invoice.totalPaidAmountCents ?? 0) > 0
      ? [line("Paid", less(invoice.totalPaidAmountCents ?? 0))]
      : []),
    line("Total due", money(totalDueAmountCents(invoice)), true),
  ];
}

/** What an invoice's document is made from: the invoice and, read from the catalog, its parties. */
export interface InvoiceDocumentSources {
  readonly invoice: Invoice;
  readonly organization: Organization;
  /** Undefined when the catalog no longer has it: its external id is printed. */
  readonly customer: Customer | undefined;
}

export function invoiceDocument({
  invoice,
  organization,
  customer,
}: InvoiceDocumentSources): RenderableDocument {
  return {
    title: "Invoice",
    reference: invoice.number,
    issuer: issuerOf(organization),
    recipient: recipientOf(invoice, customer),
    fields: [
      { label: "Invoice number", value: invoice.number },
      { label: "Issuing date", value: formatDate(invoice.issuingDate) },
      { label: "Payment due date", value: formatDate(invoice.paymentDueDate) },
      { label: "Currency", value: invoice.currency },
      ...(invoice.status === "voided" ? [{ label: "Status", value: "Voided" }] : []),
    ],
    notes: periodNotes(invoice),
    columns: [
      { label: "Item", align: "left", width: 0.42 },
      { label: "Units", align: "right", width: 0.12 },
      { label: "Unit amount", align: "right", width: 0.16 },
      { label: "Tax rate", align: "right", width: 0.1 },
      { label: "Amount", align: "right", width: 0.2 },
    ],
    rows: invoice.fees.map((fee) => feeRow(fee, invoice)),
    summary: summaryOf(invoice),
    issuedAt: invoice.finalizedAt ?? invoice.createdAt,
  };
}
