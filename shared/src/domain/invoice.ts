/** An invoice as plain data. Amounts are integer minor units of `currency`. */

export type InvoiceStatus = "draft" | "finalized";
export type PaymentStatus = "pending" | "succeeded" | "failed";

export interface InvoiceFee {
  readonly id: string;
  readonly feeType: "subscription" | "charge";
  readonly chargeId: string | null;
  readonly billableMetricCode: string | null;
  readonly itemCode: string;
  readonly itemName: string;
  readonly invoiceDisplayName: string | null;
  /** Decimal string. */
  readonly units: string;
  readonly eventsCount: number;
  readonly amountCents: number;
  /** Unrounded amount in minor units, decimal string. */
  readonly preciseAmountCents: string;
  /** Unit price in currency units, decimal string. */
  readonly preciseUnitAmount: string;
  readonly fromDatetime: string;
  readonly toDatetime: string;
}

export interface Invoice {
  readonly id: string;
  readonly organizationId: string;
  readonly customerId: string;
  readonly externalCustomerId: string;
  readonly subscriptionId: string;
  readonly externalSubscriptionId: string;
  readonly invoiceType: "subscription";
  readonly status: InvoiceStatus;
  readonly paymentStatus: PaymentStatus;
  /** Per-sequence number; null while draft. */
  readonly sequentialId: number | null;
  readonly number: string;
  readonly issuingDate: string;
  readonly paymentDueDate: string;
  readonly netPaymentTermDays: number;
  readonly currency: string;
  readonly timezone: string;
  readonly periodStartsAt: string;
  readonly periodEndsAt: string;
  readonly fees: readonly InvoiceFee[];
  readonly feesAmountCents: number;
  readonly taxesAmountCents: number;
  readonly subTotalExcludingTaxesAmountCents: number;
  readonly subTotalIncludingTaxesAmountCents: number;
  readonly totalAmountCents: number;
  readonly createdAt: string;
  readonly updatedAt: string;
}

export interface InvoiceTotals {
  readonly feesAmountCents: number;
  readonly taxesAmountCents: number;
  readonly subTotalExcludingTaxesAmountCents: number;
  readonly subTotalIncludingTaxesAmountCents: number;
  readonly totalAmountCents: number;
}

/**
 * Totals from fees already rounded one by one (LAGO-SEMANTICS.md section 7). Coupons, taxes,
 * credit notes and prepaid credits arrive with their resources; until then they are zero.
 */
export function invoiceTotals(fees: readonly Pick<InvoiceFee, "amountCents">[]): InvoiceTotals {
  const feesAmountCents = fees.reduce((sum, fee) => sum + fee.amountCents, 0);
  return {
    feesAmountCents,
    taxesAmountCents: 0,
    subTotalExcludingTaxesAmountCents: feesAmountCents,
    subTotalIncludingTaxesAmountCents: feesAmountCents,
    totalAmountCents: feesAmountCents,
  };
}

/** Zero-amount invoices have nothing to collect: their payment is settled from the start. */
export function initialPaymentStatus(totalAmountCents: number): PaymentStatus {
  return totalAmountCents === 0 ? "succeeded" : "pending";
}

/** Lago's invoice numbers: per customer `PRE-001-002`, per organization `PRE-202401-002`. */
export function invoiceNumber(
  numbering: { prefix: string; scheme: "per_customer" | "per_organization" },
  sequence: number,
  context: { customerSequentialId: number; issuingDate: string },
): string {
  const pad = (n: number) => String(n).padStart(3, "0");
  if (numbering.scheme === "per_customer") {
    return `${numbering.prefix}-${pad(context.customerSequentialId)}-${pad(sequence)}`;
  }
  return `${numbering.prefix}-${context.issuingDate.slice(0, 7).replace("-", "")}-${pad(sequence)}`;
}

export const draftNumber = (prefix: string) => `${prefix}-DRAFT`;
