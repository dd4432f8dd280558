import type { Invoice } from "#shared/domain/invoice.js";
import type { Corrected } from "#shared/serializers/lago-shape.js";
import { type FeeObjectShape, serializeFeeObject } from "../fees/serialize-fee.js";
import type { FeeContext } from "../invoices/serialize.js";
import type { AdvanceFeeRecord } from "./advance-fee-store.js";

/** A standalone fee belongs to no invoice: Lago sends its `lago_invoice_id` as null. */
export type StandaloneFeeShape = Corrected<FeeObjectShape, { lago_invoice_id: null }>;

/**
 * What the fee serializer reads of an invoice, for a fee that has none: its customer, subscription,
 * currency, taxes, creation and payment status are the fee's own.
 */
export function standaloneHolder(record: AdvanceFeeRecord): Invoice {
  return {
    id: record.fee.id,
    organizationId: record.organizationId,
    customerId: record.customerId,
    externalCustomerId: record.externalCustomerId,
    subscriptionId: record.subscriptionId,
    externalSubscriptionId: record.externalSubscriptionId,
    invoiceType: "subscription",
    status: "finalized",
    // An invoice is never refunded; the fee's own status is served from `fee.payment`.
    paymentStatus: record.paymentStatus === "refunded" ? "succeeded" : record.paymentStatus,
    sequentialId: null,
    number: "",
    issuingDate: record.createdAt.slice(0, 10),
    paymentDueDate: record.createdAt.slice(0, 10),
    netPaymentTermDays: 0,
    currency: record.currency,
    timezone: record.timezone,
    periodStartsAt: record.periodStartsAt,
    periodEndsAt: record.periodEndsAt,
    fees: [record.fee],
    appliedTaxes: record.appliedTaxes,
    feesAmountCents: record.fee.amountCents,
    taxesAmountCents: record.fee.taxesAmountCents,
    taxesRate: record.fee.taxesRate,
    subTotalExcludingTaxesAmountCents: record.fee.amountCents,
    subTotalIncludingTaxesAmountCents: record.fee.amountCents + record.fee.taxesAmountCents,
    totalAmountCents: record.fee.amountCents + record.fee.taxesAmountCents,
    createdAt: record.createdAt,
    updatedAt: record.createdAt,
  };
}

/** Whether an invoice is the stand-in `standaloneHolder` makes for a standalone fee. */
export function isStandaloneHolder(invoice: Pick<Invoice, "id" | "fees">): boolean {
  return invoice.fees.length === 1 && invoice.fees[0]?.id === invoice.id;
}

/** A standalone pay-in-advance fee as `GET /fees` and the `fee.created` webhook show it. */
export function serializeStandaloneFee(record: AdvanceFeeRecord, context: FeeContext): StandaloneFeeShape {
  return { ...serializeFeeObject(record.fee, standaloneHolder(record), context), lago_invoice_id: null };
}
