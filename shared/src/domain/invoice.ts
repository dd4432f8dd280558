/** An invoice as plain data. Amounts are integer minor units of `currency`. */
import { ALL_FILTER_VALUES } from "./aggregation/charge-filters.js";
import type { ChargeFilter, Subscription } from "./catalog.js";
import { type ChargeFee, lagoDecimal } from "./charge-fees.js";
import type { EarlierCreditNoteRounding } from "./credit-notes/credit-note-amounts.js";
import { startOfLocalDay } from "./periods.js";

/** A draft waits for its grace period; a finalized invoice has its number; a voided one is cancelled. */
export type InvoiceStatus = "draft" | "finalized" | "voided";
export type PaymentStatus = "pending" | "succeeded" | "failed";

export interface InvoiceFee {
  readonly id: string;
  /** A charge's true-up is a "charge" fee; a plan's minimum commitment's shortfall is a "commitment" fee. */
  readonly feeType: "subscription" | "charge" | "commitment" | "add_on";
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
  /** Its share of the invoice's coupons, unrounded, decimal string; absent: none. */
  readonly preciseCouponsAmountCents?: string;
  /** Codes of the taxes applied to this fee, and their sum on its amount. */
  readonly taxCodes: readonly string[];
  readonly taxesAmountCents: number;
  /** Sum of the applied rates, percent (decimal string). */
  readonly taxesRate: string;
  /** Unit price in currency units, decimal string. */
  readonly preciseUnitAmount: string;
  readonly fromDatetime: string;
  readonly toDatetime: string;
  // What Lago shows of a fee's item, kept as it was when the fee was made. Invoices made before
  // these were kept lack them: serializers then read them from the catalog, or send Lago's nil.
  /** The billable metric a charge fee prices: Lago's item of a charge fee. */
  readonly billableMetricId?: string | null;
  readonly itemDescription?: string | null;
  /** The priced charge filter's values (metric filter key → values), null without one. */
  readonly chargeFilterValues?: Readonly<Record<string, readonly string[]>> | null;
  /** The priced charge filter's name, as Lago names it (`chargeFilterDisplayName`). */
  readonly filterInvoiceDisplayName?: string | null;
  /** Decimal string: the aggregation's total (a recurring metric's, a prorated charge's full units). */
  readonly totalAggregatedUnits?: string;
  /** The charge model's details of the amount, with Lago's keys. */
  readonly amountDetails?: Readonly<Record<string, unknown>>;
  /** On a charge's fee whose charge has a spending minimum it falls short of: the true-up fee's id. */
  readonly trueUpFeeId?: string | null;
  /** On a true-up fee: the charge fee it tops up. */
  readonly trueUpParentFeeId?: string | null;
  /** On an add-on fee (a one-off invoice's): the add-on it bills, Lago's item of the fee. */
  readonly addOnId?: string | null;
  /** The fee's own description (an add-on fee's, else its add-on's); absent: none. */
  readonly description?: string | null;
  /** A pay-in-advance charge's fee, made at its event (Lago's instant charge); absent: false. */
  readonly payInAdvance?: boolean;
  /** On a pay-in-advance charge's fee: the transaction id of the event it bills. */
  readonly eventTransactionId?: string | null;
  /**
   * A standalone fee's own payment (`PUT /fees/{id}`), kept when it is later regrouped on an
   * invoice; absent: the invoice's payment status and no payment times.
   */
  readonly payment?: FeePayment;
}

/** Lago's `fees.payment_status`: a fee can be refunded, an invoice cannot. */
export type FeePaymentStatus = PaymentStatus | "refunded";

/** A fee's payment status and the time of its current status (the others null). */
export interface FeePayment {
  readonly status: FeePaymentStatus;
  readonly succeededAt: string | null;
  readonly failedAt: string | null;
  readonly refundedAt: string | null;
}

/** The unused part of a pay-in-advance base fee at a termination (see `unusedAdvanceFee`). */
export interface UnusedAdvanceFeeRecord {
  /** The invoice and fee that billed it. */
  readonly invoiceId: string;
  readonly feeId: string;
  readonly reason: "terminated" | "upgraded";
  readonly terminatedAt: string;
  readonly unusedDays: number;
  readonly periodDays: number;
  readonly preciseAmountCents: string;
  readonly amountCents: number;
  readonly currency: string;
}

export type InvoicingReason =
  | "subscription_starting"
  | "subscription_periodic"
  | "subscription_terminating"
  | "in_advance_charge"
  /** An `advance_charges` invoice: a period's paid standalone fees, regrouped when it is billed. */
  | "in_advance_charge_periodic";

/** What an invoice bills of one subscription, as Lago's invoice subscription records it. */
export interface InvoiceBillingPeriod {
  readonly subscriptionId: string;
  readonly externalSubscriptionId: string;
  readonly planId: string;
  /** The base fee's span: local midnight of its first day to Lago's inclusive end. */
  readonly fromDatetime: string;
  readonly toDatetime: string;
  /** The usage's span: from the first counted instant to Lago's inclusive end. */
  readonly chargesFromDatetime: string;
  readonly chargesToDatetime: string;
  readonly invoicingReason: InvoicingReason;
}

export interface Invoice {
  readonly id: string;
  readonly organizationId: string;
  readonly customerId: string;
  readonly externalCustomerId: string;
  /** Empty on a one-off invoice, which bills no subscription. */
  readonly subscriptionId: string;
  readonly externalSubscriptionId: string;
  /**
   * A subscription's period, add-ons billed once (`POST /invoices`), or a period's paid standalone
   * pay-in-advance fees regrouped (`advance_charges`).
   */
  readonly invoiceType: "subscription" | "one_off" | "advance_charges";
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
  /** Absent on invoices made before it was kept: serializers derive it from the fees then. */
  readonly billingPeriods?: readonly InvoiceBillingPeriod[];
  /**
   * On the invoice terminating a pay-in-advance subscription: the part of the base fee it paid
   * ahead and did not use, for the credit note that gives it back.
   */
  readonly unusedAdvanceFee?: UnusedAdvanceFeeRecord;
  /**
   * The local date the period was billed on, from which a grace period counts. Absent on invoices
   * made before it was kept: such a draft is finalized on the date it was issued with.
   */
  readonly billingDate?: string;
  /** The local date a draft is finalized on, as its grace period stood when it was last made. */
  readonly expectedFinalizationDate?: string;
  /** When it was finalized (its number taken); null or absent before. */
  readonly finalizedAt?: string | null;
  /** When it was voided; null or absent otherwise. */
  readonly voidedAt?: string | null;
  /** What manual payments (and, later, providers) have collected so far; absent: nothing. */
  readonly totalPaidAmountCents?: number;
  /** Past its payment due date in the customer's timezone and not paid; absent: not overdue. */
  readonly paymentOverdue?: boolean;
  /** The invoice's metadata as `PUT /invoices/{id}` last set it, in the order given; absent: none. */
  readonly metadata?: readonly InvoiceMetadata[];
  /**
   * What credit notes took from it so far; absent: none. Written only with a credit note (in its
   * transaction, conditional on the count read), never by the invoice's own changes.
   */
  readonly creditNotes?: InvoiceCreditNotesRecord;
  /** What customer credit balances (other invoices' credit notes) took off its total; absent: 0. */
  readonly creditNotesAmountCents?: number;
  /** What the customer's coupons took off its fees, before taxes; absent: 0. */
  readonly couponsAmountCents?: number;
  /** Each coupon's credit on it (Lago's credits before taxes); absent: none taken. */
  readonly couponCredits?: readonly InvoiceCouponCredit[];
  /** The credit notes whose balances it took, and how much of each (Lago's credits); absent: none. */
  readonly creditNoteUses?: readonly CreditNoteUse[];
}

/** An applied coupon's credit on an invoice, at its finalization. */
export interface InvoiceCouponCredit {
  readonly appliedCouponId: string;
  readonly amountCents: number;
  readonly couponCode: string;
  readonly couponName: string;
}

/** A credit note's balance taken by an invoice at its finalization. */
export interface CreditNoteUse {
  readonly creditNoteId: string;
  readonly amountCents: number;
  /** The note's number, and the number of the invoice it credits. */
  readonly number: string;
  readonly invoiceNumber: string;
}

/** The sums of an invoice's credit notes, as each new one's limits read them. */
export interface InvoiceCreditNotesRecord {
  /** Credit notes made on it: the last one's sequential id. */
  readonly count: number;
  readonly creditAmountCents: number;
  readonly refundAmountCents: number;
  readonly offsetAmountCents: number;
  /** Pre-tax amounts taken from each fee, by fee id. */
  readonly feeCreditedCents: Readonly<Record<string, number>>;
  /** Each note's rounded and unrounded subtotal and taxes, for the note that takes the rest. */
  readonly roundings: readonly EarlierCreditNoteRounding[];
  /**
   * The keys of notes made once whoever asks again (a termination's), written with the note so a
   * run made again finds its note made; absent: none.
   */
  readonly keys?: readonly string[];
}

/** One key/value pair of an invoice's metadata (Lago keeps an id and a creation time for each). */
export interface InvoiceMetadata {
  readonly id: string;
  readonly key: string;
  readonly value: string;
  readonly createdAt: string;
}

/** One tax of an invoice, as it stood when the invoice was made. */
export interface InvoiceAppliedTax {
  /** Absent on invoices made before it was kept: serializers derive it from the invoice and tax ids. */
  readonly id?: string;
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
 * Totals from fees already rounded one by one (as Lago's `Invoices::ComputeAmountsFromFees`), and taxes computed
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

/**
 * A charge filter's name as Lago shows it on a fee: its invoice display name, else its values
 * joined by ", " (a key that takes every declared value is shown by its key).
 */
export function chargeFilterDisplayName(filter: Pick<ChargeFilter, "invoiceDisplayName" | "values">): string {
  if (filter.invoiceDisplayName) return filter.invoiceDisplayName;
  return Object.entries(filter.values)
    .flatMap(([key, values]) => (values.length === 1 && values[0] === ALL_FILTER_VALUES ? [key] : values))
    .join(", ");
}

/**
 * What an invoice keeps of a charge fee beyond its amounts: Lago's `item` of the fee and its
 * aggregated units. Not the charge model's amount details: a graduated charge's reach 100 ranges,
 * too much to repeat in every fee of an invoice kept as one item.
 */
export function chargeFeeItem(
  fee: Pick<ChargeFee, "metric" | "filter" | "units" | "totalAggregatedUnits">,
): Required<
  Pick<
    InvoiceFee,
    | "billableMetricId"
    | "itemDescription"
    | "chargeFilterValues"
    | "filterInvoiceDisplayName"
    | "totalAggregatedUnits"
  >
> {
  return {
    billableMetricId: fee.metric.id,
    itemDescription: fee.metric.description,
    chargeFilterValues: fee.filter?.values ?? null,
    filterInvoiceDisplayName: fee.filter ? chargeFilterDisplayName(fee.filter) : null,
    // Lago's fee keeps the aggregation's total, else its units.
    totalAggregatedUnits: lagoDecimal(fee.totalAggregatedUnits ?? fee.units),
  };
}

/**
 * What an invoice closing a subscription's period bills of it: the window's base-fee days and
 * usage span, and why it was made (the period's end, or a termination inside it).
 */
export function invoiceBillingPeriod(
  subscription: Pick<Subscription, "id" | "externalId" | "planId">,
  window: {
    readonly period: { readonly endsAt: string };
    readonly chargesFrom: string;
    readonly chargesUntil: string;
    readonly toDatetime: string;
    readonly firstDate: string;
  },
  timezone: string,
): InvoiceBillingPeriod {
  return {
    subscriptionId: subscription.id,
    externalSubscriptionId: subscription.externalId,
    planId: subscription.planId,
    fromDatetime: startOfLocalDay(window.firstDate, timezone),
    toDatetime: window.toDatetime,
    chargesFromDatetime: window.chargesFrom,
    chargesToDatetime: window.toDatetime,
    invoicingReason:
      window.chargesUntil === window.period.endsAt ? "subscription_periodic" : "subscription_terminating",
  };
}
