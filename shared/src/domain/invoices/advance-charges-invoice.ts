/**
 * Lago's `advance_charges` invoice (`Invoices::AdvanceChargesService`): when a subscription's period
 * is billed, the standalone fees of its pay-in-advance charges that are not invoiceable, have
 * `regroup_paid_fees: "invoice"`, were paid by then and are on no invoice yet, put on one invoice,
 * finalized at once and paid in full. Its amounts and taxes are the fees' own, summed, never
 * computed again: the fees were paid as they stood. Pure.
 */
import type { Charge } from "../catalog.js";
import {
  type FeePaymentStatus,
  type Invoice,
  type InvoiceAppliedTax,
  type InvoiceFee,
  initialPaymentStatus,
} from "../invoice.js";
import { decimal } from "../money.js";
import { localDate, plusDays } from "../periods.js";

/** What a standalone fee brings to the invoice. */
export interface RegroupableFee {
  readonly fee: InvoiceFee;
  readonly appliedTaxes: readonly InvoiceAppliedTax[];
  readonly paymentStatus: FeePaymentStatus;
  /** The invoice it is on already, null for none. */
  readonly invoiceId: string | null;
  readonly currency: string;
}

/**
 * The fees the invoice billed at `billingAt` regroups, oldest id first: of a charge with
 * `regroup_paid_fees: "invoice"`, succeeded at or before `billingAt`, on no invoice. (Lago takes
 * every paid standalone fee of the subscription once its plan has one such charge; a fee of a
 * charge that does not ask to be regrouped stays standalone here, as its charge says.)
 */
export function feesToRegroup<T extends RegroupableFee>(
  fees: readonly T[],
  charges: readonly Pick<Charge, "id" | "regroupPaidFees">[],
  billingAt: string,
): T[] {
  const regrouped = new Set(
    charges.filter((charge) => charge.regroupPaidFees === "invoice").map((c) => c.id),
  );
  return fees
    .filter(
      (record) =>
        record.invoiceId === null &&
        record.paymentStatus === "succeeded" &&
        record.fee.chargeId !== null &&
        regrouped.has(record.fee.chargeId) &&
        record.fee.payment?.succeededAt != null &&
        record.fee.payment.succeededAt <= billingAt,
    )
    .sort((a, b) => (a.fee.id < b.fee.id ? -1 : a.fee.id > b.fee.id ? 1 : 0));
}

export interface AdvanceChargesInvoiceInput {
  readonly id: string;
  readonly organizationId: string;
  readonly customerId: string;
  readonly externalCustomerId: string;
  readonly subscriptionId: string;
  readonly externalSubscriptionId: string;
  readonly planId: string;
  readonly currency: string;
  readonly timezone: string;
  /** The billed period (UTC instants, end exclusive) and the instant it is billed at. */
  readonly period: { readonly startsAt: string; readonly endsAt: string };
  readonly billingAt: string;
  readonly netPaymentTermDays: number;
  readonly fees: readonly RegroupableFee[];
  /** When it is made. */
  readonly now: string;
}

/** The taxes of the fees, one per tax: the fees it applies to and its amounts on each, summed. */
export function regroupedTaxes(fees: readonly RegroupableFee[]): InvoiceAppliedTax[] {
  const byCode = new Map<string, InvoiceAppliedTax>();
  for (const { appliedTaxes } of fees)
    for (const tax of appliedTaxes) {
      const known = byCode.get(tax.taxCode);
      byCode.set(
        tax.taxCode,
        known
          ? {
              ...known,
              feesAmountCents: known.feesAmountCents + tax.feesAmountCents,
              amountCents: known.amountCents + tax.amountCents,
            }
          : { ...tax, id: undefined },
      );
    }
  return [...byCode.values()].map(({ id: _id, ...tax }) => tax);
}

/**
 * The finalized, unnumbered invoice of the regrouped fees: issued on the local date it is billed
 * (no grace period: Lago finalizes it at once), due after the customer's payment term, pending
 * until its payment (settled from the start at zero, as any invoice).
 */
export function advanceChargesInvoice(input: AdvanceChargesInvoiceInput): Invoice {
  const fees = input.fees.map((record) => record.fee);
  const appliedTaxes = regroupedTaxes(input.fees);
  const feesAmountCents = fees.reduce((sum, fee) => sum + fee.amountCents, 0);
  const taxesAmountCents = fees.reduce((sum, fee) => sum + fee.taxesAmountCents, 0);
  const totalAmountCents = feesAmountCents + taxesAmountCents;
  const issuingDate = localDate(input.billingAt, input.timezone);
  const lastSecond = new Date(Date.parse(input.period.endsAt) - 1000).toISOString();
  return {
    id: input.id,
    organizationId: input.organizationId,
    customerId: input.customerId,
    externalCustomerId: input.externalCustomerId,
    subscriptionId: input.subscriptionId,
    externalSubscriptionId: input.externalSubscriptionId,
    invoiceType: "advance_charges",
    status: "finalized",
    paymentStatus: initialPaymentStatus(totalAmountCents),
    sequentialId: null,
    number: "",
    issuingDate,
    paymentDueDate: plusDays(issuingDate, input.netPaymentTermDays),
    netPaymentTermDays: input.netPaymentTermDays,
    currency: input.currency,
    timezone: input.timezone,
    periodStartsAt: input.period.startsAt,
    periodEndsAt: input.period.endsAt,
    fees,
    appliedTaxes,
    feesAmountCents,
    taxesAmountCents,
    taxesRate: appliedTaxes.reduce((sum, tax) => sum.plus(tax.taxRate), decimal(0)).toString(),
    subTotalExcludingTaxesAmountCents: feesAmountCents,
    subTotalIncludingTaxesAmountCents: totalAmountCents,
    totalAmountCents,
    createdAt: input.now,
    updatedAt: input.now,
    billingPeriods: [
      {
        subscriptionId: input.subscriptionId,
        externalSubscriptionId: input.externalSubscriptionId,
        planId: input.planId,
        fromDatetime: input.period.startsAt,
        toDatetime: lastSecond,
        chargesFromDatetime: input.period.startsAt,
        chargesToDatetime: lastSecond,
        invoicingReason: "in_advance_charge_periodic",
      },
    ],
    billingDate: issuingDate,
    expectedFinalizationDate: issuingDate,
    finalizedAt: input.now,
  };
}
