import type Decimal from "decimal.js";
import type {
  BillingPeriodObject,
  FeeAmountDetails,
  FeeObject,
  InvoiceAppliedTaxObject,
  InvoiceObjectExtended,
} from "lago-javascript-client";
import type { Charge, Customer, Organization, Plan } from "#shared/domain/catalog.js";
import { lagoDecimal } from "#shared/domain/charge-fees.js";
import {
  chargeFilterDisplayName,
  type Invoice,
  type InvoiceBillingPeriod,
  type InvoiceFee,
} from "#shared/domain/invoice.js";
import { totalDueAmountCents } from "#shared/domain/invoices/void.js";
import { decimal, subunitToUnit } from "#shared/domain/money.js";
import { stableUuid } from "#shared/platform/ids.js";
import { billingEntityCode } from "#shared/serializers/billing-entity.js";
import {
  type CustomerOrganization,
  type CustomerShape,
  serializeCustomer,
} from "#shared/serializers/customer.js";
import { type Corrected, type LagoShape, lagoCurrency } from "#shared/serializers/lago-shape.js";
import {
  type SubscriptionShape,
  type SubscriptionView,
  serializeSubscription,
} from "#shared/serializers/subscription.js";

/** What an invoice embeds, read from the catalog by whoever serializes it. */
export interface InvoiceEmbeds {
  /** The invoice's organization: its default billing entity, and the customer's. */
  readonly organization: CustomerOrganization & Pick<Organization, "name">;
  readonly customer: Customer;
  /** The invoice's subscriptions as they stand now, each with its plan. */
  readonly subscriptions: readonly (SubscriptionView & { readonly plan: Plan })[];
  /** Its stored PDF's presigned URL (`file_url`); absent or null: none stored. */
  readonly fileUrl?: string | null;
}

/**
 * Lago's item of a fee; a pricing group's value is null for usage that lacks the key, which
 * Lago sends as null and the client's type does not list.
 */
type FeeItemShape = Corrected<
  LagoShape<FeeObject["item"]>,
  {
    grouped_by: Readonly<Record<string, string | null>>;
    // Lago's item of a commitment fee is the commitment, which the client's type does not list.
    item_type: FeeObject["item"]["item_type"] | "Commitment";
  }
>;

/** Lago leaves the fees' own taxes out of an invoice's fees (`V1::FeeSerializer` without that include). */
/** Lago keeps no aggregated units for a base fee and sends that nil as null. */
export type FeeShape = Corrected<
  LagoShape<FeeObject, "applied_taxes">,
  { item: FeeItemShape; total_aggregated_units: string | null }
>;

/** Lago's fields of a billing period the client does not type: fixed charges are not part of this product yet. */
interface BillingPeriodExtras {
  readonly fixed_charges_from_datetime: null;
  readonly fixed_charges_to_datetime: null;
}

type BillingPeriodShape = LagoShape<BillingPeriodObject> & BillingPeriodExtras;

/** What an invoice showed of its customer and subscriptions before it embedded them whole. */
interface CustomerReference {
  readonly lago_id: string;
  readonly external_id: string;
}
interface SubscriptionReference extends CustomerReference {
  readonly current_billing_period_started_at: string;
}

type InvoiceShape = Corrected<
  LagoShape<InvoiceObjectExtended>,
  {
    // A reference only where the caller did not read the catalog (see `serializeInvoice`).
    customer: CustomerShape | CustomerReference;
    subscriptions: readonly (SubscriptionShape | SubscriptionReference)[];
    fees: readonly FeeShape[];
    billing_periods: readonly BillingPeriodShape[];
    applied_taxes: readonly LagoShape<InvoiceAppliedTaxObject>[];
  }
>;

/** A decimal amount of minor units in currency units, as Lago's fee shows `precise_*` amounts. */
function inUnits(minorUnits: Decimal.Value, currency: string): string {
  return lagoDecimal(decimal(minorUnits).dividedBy(subunitToUnit(currency)));
}

/** The invoice's subscription as the catalog has it now, when the caller read it. */
export type FeeContext = (SubscriptionView & { readonly plan: Plan }) | undefined;

/**
 * Lago names a fee's item by its charge's display name, else its metric's name; a base fee by the
 * subscription's name, else its plan's display name, else the plan's name. It reads them from the
 * catalog as they are now; without the catalog, the invoice's own copy stands.
 */
function itemDisplayName(fee: InvoiceFee, context: FeeContext, charge: Charge | undefined): string {
  if (fee.feeType === "charge") {
    return (charge ? charge.invoiceDisplayName : fee.invoiceDisplayName) || fee.itemName;
  }
  // A commitment fee keeps the commitment's name as it was billed; an add-on fee its add-on's.
  if (fee.feeType === "commitment" || fee.feeType === "add_on") return fee.invoiceDisplayName || fee.itemName;
  if (!context) return fee.invoiceDisplayName || fee.itemName;
  return context.subscription.name || context.plan.invoiceDisplayName || context.plan.name;
}

export function serializeFee(fee: InvoiceFee, invoice: Invoice, context: FeeContext): FeeShape {
  const plan = context?.plan;
  const charge = plan?.charges.find((candidate) => candidate.id === fee.chargeId);
  const filter = charge?.filters.find((candidate) => candidate.id === fee.chargeFilterId);
  const isCharge = fee.feeType === "charge";
  // Lago's fee taxes: each rate on the unrounded amount, summed.
  const taxesPreciseAmountCents = decimal(fee.preciseAmountCents).times(fee.taxesRate).dividedBy(100);
  const filterValues =
    fee.chargeFilterValues !== undefined ? fee.chargeFilterValues : (filter?.values ?? null);
  return {
    lago_id: fee.id,
    lago_charge_id: fee.chargeId,
    lago_charge_filter_id: fee.chargeFilterId,
    lago_fixed_charge_id: null,
    lago_invoice_id: invoice.id,
    lago_true_up_fee_id: fee.trueUpFeeId ?? null,
    lago_true_up_parent_fee_id: fee.trueUpParentFeeId ?? null,
    lago_original_fee_id: null,
    // A one-off invoice's fees belong to no subscription.
    lago_subscription_id: invoice.subscriptionId || null,
    external_subscription_id: invoice.externalSubscriptionId || null,
    lago_customer_id: invoice.customerId,
    external_customer_id: invoice.externalCustomerId,
    item: {
      type: fee.feeType,
      code: fee.itemCode,
      name: fee.itemName,
      description: fee.itemDescription ?? (isCharge ? null : (plan?.description ?? null)),
      invoice_display_name: itemDisplayName(fee, context, charge),
      filter_invoice_display_name:
        fee.filterInvoiceDisplayName !== undefined
          ? fee.filterInvoiceDisplayName
          : filter
            ? chargeFilterDisplayName(filter)
            : null,
      filters: filterValues
        ? Object.fromEntries(Object.entries(filterValues).map(([key, values]) => [key, [...values]]))
        : null,
      // A charge fee's item is the billable metric it prices (an invoice that did not keep it,
      // shown without its plan, names only the charge); a base fee's, the subscription.
      // A commitment fee's, the plan's commitment (its id derived from the plan's, as the catalog shows it).
      lago_item_id: isCharge
        ? (fee.billableMetricId ?? charge?.billableMetricId ?? fee.chargeId ?? "")
        : fee.feeType === "commitment"
          ? stableUuid(
              plan?.id ?? invoice.billingPeriods?.[0]?.planId ?? invoice.subscriptionId,
              "minimum_commitment",
            )
          : fee.feeType === "add_on"
            ? (fee.addOnId ?? "")
            : invoice.subscriptionId,
      item_type: isCharge
        ? "BillableMetric"
        : fee.feeType === "commitment"
          ? "Commitment"
          : fee.feeType === "add_on"
            ? "AddOn"
            : "Subscription",
      grouped_by: fee.groupedBy ?? {},
    },
    pay_in_advance:
      fee.feeType === "subscription"
        ? (plan?.payInAdvance ?? false)
        : // A period's fee of a recurring pay-in-advance charge is its charge's.
          (fee.payInAdvance ?? (fee.feeType === "charge" ? (charge?.payInAdvance ?? false) : false)),
    invoiceable: isCharge ? (charge?.invoiceable ?? true) : true,
    amount_cents: fee.amountCents,
    amount_currency: lagoCurrency(invoice.currency),
    precise_amount: inUnits(fee.preciseAmountCents, invoice.currency),
    precise_total_amount: inUnits(
      decimal(fee.preciseAmountCents).plus(taxesPreciseAmountCents),
      invoice.currency,
    ),
    taxes_amount_cents: fee.taxesAmountCents,
    taxes_precise_amount: inUnits(taxesPreciseAmountCents, invoice.currency),
    taxes_rate: Number(fee.taxesRate),
    total_aggregated_units: isCharge ? (fee.totalAggregatedUnits ?? fee.units) : null,
    total_amount_cents: fee.amountCents + fee.taxesAmountCents,
    total_amount_currency: lagoCurrency(invoice.currency),
    units: fee.units,
    description: fee.description ?? null,
    precise_unit_amount: fee.preciseUnitAmount,
    precise_coupons_amount_cents: lagoDecimal(decimal(fee.preciseCouponsAmountCents ?? 0)),
    sub_total_excluding_taxes_amount_cents: fee.amountCents,
    sub_total_excluding_taxes_precise_amount_cents: lagoDecimal(decimal(fee.preciseAmountCents)),
    events_count: fee.eventsCount,
    payment_status: fee.payment?.status ?? invoice.paymentStatus,
    created_at: invoice.createdAt,
    succeeded_at: fee.payment?.succeededAt ?? null,
    failed_at: fee.payment?.failedAt ?? null,
    refunded_at: fee.payment?.refundedAt ?? null,
    event_transaction_id: fee.eventTransactionId ?? null,
    // The charge models' details carry Lago's keys; a base fee's are the plan's full amount.
    amount_details: (fee.amountDetails ??
      (fee.feeType !== "subscription" || !plan
        ? {}
        : { plan_amount_cents: plan.amountCents })) as FeeAmountDetails,
    self_billed: false,
    pricing_unit_details: null,
    presentation_breakdowns: [],
    from_date: fee.fromDatetime,
    to_date: fee.toDatetime,
  };
}

/**
 * The billing period of an invoice made before it was kept, from its fees: the base fee's span,
 * and the usage's from any charge fee (else the base fee's).
 */
function derivedBillingPeriod(invoice: Invoice, planId: string): InvoiceBillingPeriod | undefined {
  const base = invoice.fees.find((fee) => fee.feeType === "subscription");
  if (!base) return undefined;
  const usage = invoice.fees.find((fee) => fee.feeType === "charge") ?? base;
  const periodEnd = new Date(Date.parse(invoice.periodEndsAt) - 1000).toISOString();
  return {
    subscriptionId: invoice.subscriptionId,
    externalSubscriptionId: invoice.externalSubscriptionId,
    planId,
    fromDatetime: base.fromDatetime,
    toDatetime: base.toDatetime,
    chargesFromDatetime: usage.fromDatetime,
    chargesToDatetime: usage.toDatetime,
    invoicingReason:
      Date.parse(base.toDatetime) < Date.parse(periodEnd)
        ? "subscription_terminating"
        : "subscription_periodic",
  };
}

function serializeBillingPeriod(period: InvoiceBillingPeriod): BillingPeriodShape {
  return {
    lago_subscription_id: period.subscriptionId,
    external_subscription_id: period.externalSubscriptionId,
    lago_plan_id: period.planId,
    subscription_from_datetime: period.fromDatetime,
    subscription_to_datetime: period.toDatetime,
    charges_from_datetime: period.chargesFromDatetime,
    charges_to_datetime: period.chargesToDatetime,
    fixed_charges_from_datetime: null,
    fixed_charges_to_datetime: null,
    invoicing_reason: period.invoicingReason,
  };
}

/**
 * Lago's invoice object (`V1::InvoiceSerializer` with every include of `GET /invoices/{id}`).
 * `embeds` carries the catalog's customer and subscriptions; without it (callers not yet passing
 * it) the invoice shows references to them only, and no billing period it did not keep.
 */
export function serializeInvoice(invoice: Invoice, embeds?: InvoiceEmbeds): InvoiceShape {
  const subscription = embeds?.subscriptions.find((view) => view.subscription.id === invoice.subscriptionId);
  const billingPeriods =
    invoice.billingPeriods ??
    (subscription ? [derivedBillingPeriod(invoice, subscription.subscription.planId)] : []).filter(
      (period): period is InvoiceBillingPeriod => period !== undefined,
    );
  return {
    lago_id: invoice.id,
    billing_entity_code: embeds ? billingEntityCode(embeds.organization) : null,
    sequential_id: invoice.sequentialId,
    number: invoice.number,
    purchase_order_number: null,
    issuing_date: invoice.issuingDate,
    payment_due_date: invoice.paymentDueDate,
    net_payment_term: invoice.netPaymentTermDays,
    invoice_type: invoice.invoiceType,
    status: invoice.status,
    payment_status: invoice.paymentStatus,
    payment_overdue: invoice.paymentOverdue ?? false,
    payment_dispute_lost_at: null,
    currency: lagoCurrency(invoice.currency),
    fees_amount_cents: invoice.feesAmountCents,
    taxes_amount_cents: invoice.taxesAmountCents,
    progressive_billing_credit_amount_cents: 0,
    coupons_amount_cents: invoice.couponsAmountCents ?? 0,
    credit_notes_amount_cents: invoice.creditNotesAmountCents ?? 0,
    sub_total_excluding_taxes_amount_cents: invoice.subTotalExcludingTaxesAmountCents,
    sub_total_including_taxes_amount_cents: invoice.subTotalIncludingTaxesAmountCents,
    total_amount_cents: invoice.totalAmountCents,
    total_due_amount_cents: totalDueAmountCents(invoice),
    total_paid_amount_cents: invoice.totalPaidAmountCents ?? 0,
    total_offsetted_credit_note_amount_cents: invoice.creditNotes?.offsetAmountCents ?? 0,
    prepaid_credit_amount_cents: 0,
    prepaid_granted_credit_amount_cents: 0,
    prepaid_purchased_credit_amount_cents: 0,
    file_url: embeds?.fileUrl ?? null,
    xml_url: null,
    web_url: null,
    version_number: 4,
    self_billed: false,
    created_at: invoice.createdAt,
    updated_at: invoice.updatedAt,
    voided_at: invoice.voidedAt ?? null,
    customer: embeds
      ? serializeCustomer(embeds.customer, embeds.organization)
      : { lago_id: invoice.customerId, external_id: invoice.externalCustomerId },
    subscriptions: embeds
      ? embeds.subscriptions.map((view) =>
          serializeSubscription({ ...view, organization: embeds.organization }),
        )
      : invoice.invoiceType === "one_off"
        ? []
        : [
            {
              lago_id: invoice.subscriptionId,
              external_id: invoice.externalSubscriptionId,
              current_billing_period_started_at: invoice.periodStartsAt,
            },
          ],
    billing_periods: billingPeriods.map(serializeBillingPeriod),
    fees: invoice.fees.map((fee) => serializeFee(fee, invoice, subscription)),
    // Coupons before taxes, then credit notes after them. Prepaid credits, progressive billing and
    // invoice custom sections are not part of this product yet.
    credits: [
      ...(invoice.couponCredits ?? []).map((credit) => ({
        lago_id: stableUuid(invoice.id, "credit", credit.appliedCouponId),
        amount_cents: credit.amountCents,
        amount_currency: lagoCurrency(invoice.currency),
        before_taxes: true,
        item: {
          lago_item_id: credit.appliedCouponId,
          type: "coupon" as const,
          code: credit.couponCode,
          name: credit.couponName,
        },
        invoice: { lago_id: invoice.id, payment_status: invoice.paymentStatus },
      })),
      ...(invoice.creditNoteUses ?? []).map((use) => ({
        lago_id: stableUuid(invoice.id, "credit", use.creditNoteId),
        amount_cents: use.amountCents,
        amount_currency: lagoCurrency(invoice.currency),
        before_taxes: false,
        item: {
          lago_item_id: use.creditNoteId,
          type: "credit_note" as const,
          code: use.number,
          name: use.invoiceNumber,
        },
        invoice: { lago_id: invoice.id, payment_status: invoice.paymentStatus },
      })),
    ],
    metadata: (invoice.metadata ?? []).map((entry) => ({
      lago_id: entry.id,
      key: entry.key,
      value: entry.value,
      created_at: entry.createdAt,
    })),
    applied_taxes: invoice.appliedTaxes.map((tax) => ({
      lago_id: tax.id ?? stableUuid(invoice.id, "applied_tax", tax.taxId),
      lago_invoice_id: invoice.id,
      lago_tax_id: tax.taxId,
      tax_name: tax.taxName,
      tax_code: tax.taxCode,
      tax_rate: Number(tax.taxRate),
      tax_description: tax.taxDescription,
      amount_cents: tax.amountCents,
      amount_currency: lagoCurrency(invoice.currency),
      fees_amount_cents: tax.feesAmountCents,
      created_at: invoice.createdAt,
    })),
    applied_invoice_custom_sections: [],
    applied_usage_thresholds: [],
    error_details: [],
  };
}
