import type { Customer, Organization, Plan, Subscription, Tax } from "#shared/domain/catalog.js";
import { type ChargeFee, isEmptyFee, lagoDecimal } from "#shared/domain/charge-fees.js";
import {
  chargeFeeItem,
  draftNumber,
  type Invoice,
  type InvoiceFee,
  initialPaymentStatus,
  invoiceBillingPeriod,
  invoiceTotals,
} from "#shared/domain/invoice.js";
import { billedInvoiceDates } from "#shared/domain/invoices/issuing-dates.js";
import { subunitToUnit } from "#shared/domain/money.js";
import { billingDate, localDate, startOfLocalDay } from "#shared/domain/periods.js";
import { inArrearsSubscriptionFee } from "#shared/domain/subscription-fee.js";
import type { BillingWindow } from "#shared/domain/subscription-periods.js";
import { trialEndedAt } from "#shared/domain/subscriptions/lifecycle.js";
import { applicableTaxCodes, feeTaxes, invoiceTaxes } from "#shared/domain/taxes.js";
import { periodInvoiceId } from "#shared/store/invoice-keys.js";
import { feeId } from "../fees/fee-ids.js";

type UntaxedFee = Omit<InvoiceFee, "taxCodes" | "taxesAmountCents" | "taxesRate">;

export interface PeriodInvoiceInput {
  readonly organization: Organization;
  readonly customer: Customer;
  readonly subscription: Subscription;
  readonly plan: Plan;
  readonly window: BillingWindow;
  readonly timezone: string;
  readonly graceDays: number;
  /** The customer's net payment term, else the organization's. */
  readonly netPaymentTermDays: number;
  readonly chargeFees: readonly ChargeFee[];
  /** The organization's taxes, as they are now. */
  readonly taxes: readonly Tax[];
  /** The billing clock's instant; the invoice's creation time. */
  readonly now: string;
}

/**
 * The invoice closing a subscription's period, in arrears: the base fee (prorated by local days
 * when the subscription started or ended inside the period) and one fee per charge. With a grace
 * period it is a draft; the number is given when it is saved as finalized. Refreshing a draft builds
 * its period again with this same function.
 */
export function buildPeriodInvoice(input: PeriodInvoiceInput): Invoice {
  const { organization, customer, subscription, plan, window, timezone, now } = input;
  const { period, chargesFrom, toDatetime } = window;
  const id = periodInvoiceId(subscription.organizationId, subscription.id, period.startsAt);
  const trialEnd = trialEndedAt(subscription, plan);
  const base = inArrearsSubscriptionFee(
    plan,
    period,
    window.firstDate,
    window.lastDate,
    trialEnd ? localDate(trialEnd, timezone) : null,
  );
  const subscriptionFee: UntaxedFee = {
    id: feeId(id, "subscription"),
    feeType: "subscription",
    chargeId: null,
    chargeFilterId: null,
    groupedBy: null,
    billableMetricCode: null,
    itemCode: plan.code,
    itemName: plan.name,
    invoiceDisplayName: plan.invoiceDisplayName,
    units: "1.0",
    eventsCount: 0,
    amountCents: base.amountCents,
    preciseAmountCents: base.preciseAmountCents.toString(),
    preciseUnitAmount: base.preciseAmountCents.dividedBy(subunitToUnit(plan.amountCurrency)).toString(),
    // The base fee covers whole local days: from the local midnight of the first billed day.
    fromDatetime: startOfLocalDay(window.firstDate, timezone),
    toDatetime,
    itemDescription: plan.description,
    amountDetails: { plan_amount_cents: plan.amountCents },
  };
  const chargeFees: UntaxedFee[] = input.chargeFees
    .filter((fee) => !isEmptyFee(fee))
    .map((fee) => ({
      id: feeId(id, "charge", fee.charge.id, fee.filter?.id ?? "", JSON.stringify(fee.groupedBy)),
      feeType: "charge",
      chargeId: fee.charge.id,
      chargeFilterId: fee.filter?.id ?? null,
      groupedBy: fee.groupedBy,
      billableMetricCode: fee.metric.code,
      itemCode: fee.metric.code,
      itemName: fee.metric.name,
      // A filter's own name is the item's filter name (`chargeFeeItem`), as in Lago.
      invoiceDisplayName: fee.charge.invoiceDisplayName,
      units: lagoDecimal(fee.units),
      eventsCount: fee.eventsCount,
      amountCents: fee.amountCents,
      preciseAmountCents: fee.preciseAmountCents.toString(),
      preciseUnitAmount: fee.unitAmount.toString(),
      fromDatetime: chargesFrom,
      toDatetime,
      ...chargeFeeItem(fee),
    }));
  const taxesByCode = new Map(input.taxes.map((tax) => [tax.code, tax]));
  const fees: InvoiceFee[] = [subscriptionFee, ...chargeFees].map((fee) => {
    const charge = plan.charges.find((c) => c.id === fee.chargeId);
    const taxCodes = applicableTaxCodes({
      chargeTaxCodes: charge?.taxCodes ?? null,
      plan,
      customer,
      organizationTaxes: input.taxes,
    }).filter((code) => taxesByCode.has(code));
    const taxed = feeTaxes({ amountCents: fee.amountCents, taxCodes }, taxesByCode);
    return { ...fee, taxCodes, taxesAmountCents: taxed.amountCents, taxesRate: taxed.rate };
  });
  const taxes = invoiceTaxes(fees, taxesByCode);
  const totals = invoiceTotals(fees, taxes);
  const draft = input.graceDays > 0;
  // A closed period is billed on the next period's first day; a termination on its own day.
  const billedOn = window.chargesUntil === period.endsAt ? billingDate(period) : window.lastDate;
  const dates = billedInvoiceDates(billedOn, input.graceDays, input.netPaymentTermDays);
  return {
    id,
    organizationId: organization.id,
    customerId: customer.id,
    externalCustomerId: customer.externalId,
    subscriptionId: subscription.id,
    externalSubscriptionId: subscription.externalId,
    invoiceType: "subscription",
    status: draft ? "draft" : "finalized",
    paymentStatus: initialPaymentStatus(totals.totalAmountCents),
    sequentialId: null,
    number: draftNumber(organization.documentNumberPrefix),
    issuingDate: dates.issuingDate,
    paymentDueDate: dates.paymentDueDate,
    netPaymentTermDays: dates.netPaymentTermDays,
    billingDate: billedOn,
    expectedFinalizationDate: dates.expectedFinalizationDate,
    currency: plan.amountCurrency,
    timezone,
    periodStartsAt: period.startsAt,
    periodEndsAt: period.endsAt,
    fees,
    appliedTaxes: taxes.applied.map(({ tax, baseAmountCents, amountCents }) => ({
      taxId: tax.id,
      taxCode: tax.code,
      taxName: tax.name,
      taxDescription: tax.description,
      taxRate: tax.rate,
      feesAmountCents: baseAmountCents,
      amountCents,
    })),
    ...totals,
    createdAt: now,
    updatedAt: now,
    billingPeriods: [invoiceBillingPeriod(subscription, window, timezone)],
  };
}
