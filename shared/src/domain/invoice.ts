/** An invoice as plain data. Amounts are integer minor units of `currency`. */

export type InvoiceStatus = "draft" | "finalized";
export type PaymentStatus = "pending" | "succeeded" | "failed";

export interface InvoiceFee {
  readonly id: string;
  readonly feeType: "subscription" | "charge";
  readonly chargeId: string | null;
  /** The charge filter a fee prices, null for the charge itself or its default bucket. */
  readonly chargeFilterId: string | null;
  /** Values of the charge's pricing group keys, for a grouped fee. */
  readonly groupedBy: Readonly<Record<string, string | null>> | null;
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
  /** Codes of the taxes applied to this fee, and their sum on its amount. */
  readonly taxCodes: readonly string[];
  readonly taxesAmountCents: number;
  /** Sum of the applied rates, percent (decimal string). */
  readonly taxesRate: string;
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
  readonly appliedTaxes: readonly InvoiceAppliedTax[];
  readonly feesAmountCents: number;
  readonly taxesAmountCents: number;
  readonly taxesRate: string;
  readonly subTotalExcludingTaxesAmountCents: number;
  readonly subTotalIncludingTaxesAmountCents: number;
  readonly totalAmountCents: number;
  readonly createdAt: string;
  readonly updatedAt: string;
}

/** One tax of an invoice, as it stood when the invoice was made. */
export interface InvoiceAppliedTax {
  readonly taxId: string;
  readonly taxCode: string;
  readonly taxName: string;
  readonly taxDescription: string | null;
  /** Percent, decimal string. */
  readonly taxRate: string;
  readonly feesAmountCents: number;
  readonly amountCents: number;
}

export interface InvoiceTotals {
  readonly feesAmountCents: number;
  readonly taxesAmountCents: number;
  /** Average tax rate over the taxable subtotal, percent (decimal string). */
  readonly taxesRate: string;
  readonly subTotalExcludingTaxesAmountCents: number;
  readonly subTotalIncludingTaxesAmountCents: number;
  readonly totalAmountCents: number;
}

/**
 * Totals from fees already rounded one by one (LAGO-SEMANTICS.md section 7), and taxes computed
 * per tax on the fees they apply to. Coupons, credit notes and prepaid credits arrive with their
 * resources; until then they are zero.
 */
export function invoiceTotals(
  fees: readonly Pick<InvoiceFee, "amountCents">[],
  taxes: { readonly amountCents: number; readonly rate: string },
): InvoiceTotals {
  const feesAmountCents = fees.reduce((sum, fee) => sum + fee.amountCents, 0);
  return {
    feesAmountCents,
    taxesAmountCents: taxes.amountCents,
    taxesRate: taxes.rate,
    subTotalExcludingTaxesAmountCents: feesAmountCents,
    subTotalIncludingTaxesAmountCents: feesAmountCents + taxes.amountCents,
    totalAmountCents: feesAmountCents + taxes.amountCents,
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
