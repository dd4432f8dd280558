/**
 * A pay-in-advance charge's fee for one event, and the invoice it is billed on when its charge is
 * invoiceable, as Lago makes them (`Fees::CreatePayInAdvanceService`,
 * `Invoices::CreatePayInAdvanceChargeService`). Pure: ids, instants and the priced step come in.
 */
import { chargeFilterMatcher } from "#shared/domain/aggregation/charge-filters.js";
import { propertyText } from "#shared/domain/aggregation/property-values.js";
import type {
  BillableMetric,
  Charge,
  ChargeFilter,
  Customer,
  Plan,
  Subscription,
  Tax,
} from "#shared/domain/catalog.js";
import { lagoDecimal, pricingGroupKeys } from "#shared/domain/charge-fees.js";
import type { PayInAdvanceFee } from "#shared/domain/charges/pay-in-advance.js";
import {
  chargeFilterDisplayName,
  type Invoice,
  type InvoiceAppliedTax,
  type InvoiceFee,
  initialPaymentStatus,
  invoiceTotals,
} from "#shared/domain/invoice.js";
import { toMinorUnits, toPreciseMinorUnits } from "#shared/domain/money.js";
import { applicableTaxCodes, feeTaxes, invoiceTaxes } from "#shared/domain/taxes.js";
import type { UsageEvent } from "#shared/domain/usage-event.js";
import { stableUuid } from "#shared/platform/ids.js";
import { feeId } from "../fees/fee-ids.js";

/** Where an event's usage lands in a charge: its filter (null: the default bucket) and pricing group. */
export interface AdvanceBucket {
  readonly filter: ChargeFilter | null;
  readonly properties: Readonly<Record<string, unknown>>;
  readonly groupedBy: Readonly<Record<string, string | null>> | null;
  /** Stable text of the bucket, for keys. */
  readonly key: string;
}

type BucketEvent = Pick<UsageEvent, "properties">;

/**
 * The bucket of a charge an event falls in, as the in-arrears invoice buckets it: the most specific
 * matching filter, else the default bucket, priced on the charge's own properties (Lago's
 * `ChargeFilters::EventMatchingService`, else a `ChargeFilter.new(charge:)`), and its pricing group.
 */
export function advanceBucket(
  charge: Pick<Charge, "filters" | "properties">,
  metric: Pick<BillableMetric, "filters">,
  event: BucketEvent,
): AdvanceBucket {
  const match = chargeFilterMatcher(metric.filters, charge.filters);
  const filterId = match({ properties: event.properties } as UsageEvent);
  const filter = charge.filters.find((candidate) => candidate.id === filterId) ?? null;
  const properties = filter ? filter.properties : charge.properties;
  const keys = pricingGroupKeys(properties);
  const groupedBy =
    keys.length > 0
      ? Object.fromEntries(keys.map((key) => [key, propertyText(event.properties[key])]))
      : null;
  return { filter, properties, groupedBy, key: JSON.stringify([filter?.id ?? "", groupedBy]) };
}

/** The ids of an event's fee (and of its invoice when invoiceable): one per (charge, bucket, event). */
export function advanceFeeIds(
  organizationId: string,
  subscriptionId: string,
  charge: Pick<Charge, "id" | "invoiceable">,
  bucket: Pick<AdvanceBucket, "filter">,
  transactionId: string,
): { readonly feeId: string; readonly invoiceId: string | null } {
  const parts = [organizationId, subscriptionId, charge.id, bucket.filter?.id ?? "", transactionId];
  if (!charge.invoiceable) return { feeId: stableUuid("advance-charge-fee", ...parts), invoiceId: null };
  const invoiceId = stableUuid("advance-charge-invoice", ...parts);
  // The fee's id carries its invoice's, so GET /fees/{id} finds it as it finds any invoice's fee.
  return { feeId: feeId(invoiceId, "advance_charge"), invoiceId };
}

export interface AdvanceFeeInput {
  readonly id: string;
  readonly charge: Charge;
  readonly metric: BillableMetric;
  readonly bucket: AdvanceBucket;
  readonly priced: PayInAdvanceFee;
  readonly eventsCount: number;
  readonly transactionId: string;
  readonly plan: Pick<Plan, "taxCodes" | "amountCurrency">;
  readonly customer: Pick<Customer, "taxCodes">;
  /** The organization's taxes, as they are now. */
  readonly taxes: readonly Tax[];
  /** Lago's boundaries: the charges' span of the event's period, its end inclusive. */
  readonly fromDatetime: string;
  readonly toDatetime: string;
}

/** The fee, priced and taxed as a charge fee (the charge's taxes, else the plan's, customer's, organization's). */
export function advanceChargeFee(input: AdvanceFeeInput): InvoiceFee {
  const { charge, metric, bucket, priced } = input;
  const currency = input.plan.amountCurrency;
  const amountCents = toMinorUnits(priced.amount, currency);
  const taxesByCode = new Map(input.taxes.map((tax) => [tax.code, tax]));
  const taxCodes = applicableTaxCodes({
    chargeTaxCodes: charge.taxCodes,
    plan: input.plan,
    customer: input.customer,
    organizationTaxes: input.taxes,
  }).filter((code) => taxesByCode.has(code));
  const taxed = feeTaxes({ amountCents, taxCodes }, taxesByCode);
  return {
    id: input.id,
    feeType: "charge",
    chargeId: charge.id,
    chargeFilterId: bucket.filter?.id ?? null,
    groupedBy: bucket.groupedBy,
    billableMetricCode: metric.code,
    itemCode: metric.code,
    itemName: metric.name,
    invoiceDisplayName: charge.invoiceDisplayName,
    units: lagoDecimal(priced.units),
    eventsCount: input.eventsCount,
    amountCents,
    preciseAmountCents: toPreciseMinorUnits(priced.amount, currency).toString(),
    taxCodes,
    taxesAmountCents: taxed.amountCents,
    taxesRate: taxed.rate,
    preciseUnitAmount: priced.unitAmount.toString(),
    fromDatetime: input.fromDatetime,
    toDatetime: input.toDatetime,
    billableMetricId: metric.id,
    itemDescription: metric.description,
    chargeFilterValues: bucket.filter?.values ?? null,
    filterInvoiceDisplayName: bucket.filter ? chargeFilterDisplayName(bucket.filter) : null,
    totalAggregatedUnits: lagoDecimal(priced.units),
    amountDetails: priced.amountDetails,
    payInAdvance: true,
    eventTransactionId: input.transactionId,
  };
}

export interface AdvanceInvoiceInput {
  readonly id: string;
  readonly fee: InvoiceFee;
  readonly organizationId: string;
  readonly customer: Pick<Customer, "id" | "externalId">;
  readonly subscription: Pick<Subscription, "id" | "externalId" | "planId">;
  readonly currency: string;
  readonly timezone: string;
  readonly taxes: readonly Tax[];
  readonly periodStartsAt: string;
  readonly periodEndsAt: string;
  readonly now: string;
  readonly dates: Pick<Invoice, "issuingDate" | "paymentDueDate" | "netPaymentTermDays">;
}

/**
 * The invoice of one invoiceable pay-in-advance fee: a subscription invoice finalized at once (no
 * grace period, as Lago finalizes pay-in-advance charge invoices), numbered by the store, its
 * payment settled from the start when it is zero. Lago makes it even for a fee of 0.
 */
export function advanceChargeInvoice(input: AdvanceInvoiceInput): Invoice {
  const taxesByCode = new Map(input.taxes.map((tax) => [tax.code, tax]));
  const applied = invoiceTaxes([input.fee], taxesByCode);
  const totals = invoiceTotals([input.fee], applied);
  const appliedTaxes = appliedTaxesOf([input.fee], input.taxes);
  return {
    id: input.id,
    organizationId: input.organizationId,
    customerId: input.customer.id,
    externalCustomerId: input.customer.externalId,
    subscriptionId: input.subscription.id,
    externalSubscriptionId: input.subscription.externalId,
    invoiceType: "subscription",
    status: "finalized",
    paymentStatus: initialPaymentStatus(totals.totalAmountCents),
    sequentialId: null,
    number: "",
    ...input.dates,
    billingDate: input.dates.issuingDate,
    currency: input.currency,
    timezone: input.timezone,
    periodStartsAt: input.periodStartsAt,
    periodEndsAt: input.periodEndsAt,
    fees: [input.fee],
    appliedTaxes,
    ...totals,
    createdAt: input.now,
    updatedAt: input.now,
    finalizedAt: input.now,
    billingPeriods: [
      {
        subscriptionId: input.subscription.id,
        externalSubscriptionId: input.subscription.externalId,
        planId: input.subscription.planId,
        fromDatetime: input.fee.fromDatetime,
        toDatetime: input.fee.toDatetime,
        chargesFromDatetime: input.fee.fromDatetime,
        chargesToDatetime: input.fee.toDatetime,
        invoicingReason: "in_advance_charge",
      },
    ],
  };
}

/** The taxes of these fees as an invoice keeps them (a standalone fee keeps its own the same way). */
export function appliedTaxesOf(fees: readonly InvoiceFee[], taxes: readonly Tax[]): InvoiceAppliedTax[] {
  const applied = invoiceTaxes(fees, new Map(taxes.map((tax) => [tax.code, tax])));
  return applied.applied.map(({ tax, baseAmountCents, amountCents }) => ({
    taxId: tax.id,
    taxCode: tax.code,
    taxName: tax.name,
    taxDescription: tax.description,
    taxRate: tax.rate,
    feesAmountCents: baseAmountCents,
    amountCents,
  }));
}
