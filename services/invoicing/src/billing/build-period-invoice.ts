import type { Customer, Organization, Plan, Subscription, Tax } from "#shared/domain/catalog.js";
import { type ChargeFee, isEmptyFee, lagoDecimal } from "#shared/domain/charge-fees.js";
import { chargeMinimumTrueUp } from "#shared/domain/charges/charge-minimum-true-up.js";
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
import { decimal, subunitToUnit } from "#shared/domain/money.js";
import { billingDate, daysBetweenInclusive, localDate, startOfLocalDay } from "#shared/domain/periods.js";
import { minimumCommitmentTrueUp } from "#shared/domain/plans/minimum-commitment-true-up.js";
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

/** Lago's name of a minimum commitment fee without a display name of its own. */
export const MINIMUM_COMMITMENT_NAME = "Minimum commitment";

/**
 * The invoice closing a subscription's period, in arrears: the base fee (prorated by local days
 * when the subscription started or ended inside the period), one fee per charge, a true-up fee for
 * each charge whose fees fall short of its spending minimum, and a commitment fee when the whole
 * falls short of the plan's minimum commitment. With a grace
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
  const chargeFees = input.chargeFees.map((fee) => ({
    empty: isEmptyFee(fee),
    fee: {
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
    } satisfies UntaxedFee,
  }));
  // The charge minimum and the commitment are prorated by the local days billed: from the
  // subscription's start, to its termination (not shortened by a trial, which spares the base fee only).
  const billedDays = daysBetweenInclusive(window.firstDate, window.lastDate);
  const usageFees = withChargeTrueUps(id, plan, chargeFees, billedDays, period.days);
  const commitmentFee = minimumCommitmentFee(id, plan, subscriptionFee, usageFees, billedDays, period.days);
  const taxesByCode = new Map(input.taxes.map((tax) => [tax.code, tax]));
  const untaxed = [subscriptionFee, ...usageFees, ...(commitmentFee ? [commitmentFee] : [])];
  const fees: InvoiceFee[] = untaxed.map((fee) => {
    const charge = plan.charges.find((c) => c.id === fee.chargeId);
    // A true-up is taxed as its charge; a commitment fee by the commitment's own taxes, else as the base fee.
    const ownTaxCodes =
      fee.feeType === "commitment" ? (plan.minimumCommitment?.taxCodes ?? null) : (charge?.taxCodes ?? null);
    const taxCodes = applicableTaxCodes({
      chargeTaxCodes: ownTaxCodes,
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

/** A charge fee as computed, and whether it is empty (Lago keeps an empty fee only as a true-up's parent). */
interface ComputedChargeFee {
  readonly fee: UntaxedFee;
  readonly empty: boolean;
}

/**
 * The charge fees, each charge's true-up after the fee it tops up, when the charge's fees fall
 * short of its spending minimum. As Lago, the minimum is compared with all the charge's fees (its
 * filters', its default bucket's, its pricing groups'); the true-up tops up the first of them
 * without a filter, kept even when empty so the true-up has its parent, and is taxed as it.
 */
function withChargeTrueUps(
  invoiceId: string,
  plan: Plan,
  computed: readonly ComputedChargeFee[],
  billedDays: number,
  periodDays: number,
): UntaxedFee[] {
  const trueUps = new Map<string, UntaxedFee>();
  for (const charge of plan.charges) {
    if (charge.minAmountCents <= 0) continue;
    const own = computed.filter(({ fee }) => fee.chargeId === charge.id).map(({ fee }) => fee);
    const parent = own.find((fee) => fee.chargeFilterId === null);
    if (!parent) continue;
    const trueUp = chargeMinimumTrueUp({
      minAmountCents: charge.minAmountCents,
      billedDays,
      periodDays,
      fees: own,
    });
    if (!trueUp) continue;
    trueUps.set(parent.id, {
      ...parent,
      id: feeId(invoiceId, "true_up", charge.id),
      units: "1.0",
      totalAggregatedUnits: "1.0",
      eventsCount: 0,
      amountCents: trueUp.amountCents,
      preciseAmountCents: trueUp.preciseAmountCents.toString(),
      preciseUnitAmount: trueUp.preciseAmountCents.dividedBy(subunitToUnit(plan.amountCurrency)).toString(),
      amountDetails: {},
      trueUpFeeId: null,
      trueUpParentFeeId: parent.id,
    });
  }
  return computed.flatMap(({ fee, empty }) => {
    const trueUp = trueUps.get(fee.id);
    if (!trueUp) return empty ? [] : [fee];
    return [{ ...fee, trueUpFeeId: trueUp.id }, trueUp];
  });
}

/**
 * The plan's minimum commitment fee, when the base fee and the charge fees (true-ups included) of
 * the period fall short of the commitment prorated by the days billed. An in-arrears plan's
 * commitment period is its billing period; a yearly plan billing its charges monthly is not built yet.
 */
function minimumCommitmentFee(
  invoiceId: string,
  plan: Plan,
  subscriptionFee: UntaxedFee,
  usageFees: readonly UntaxedFee[],
  billedDays: number,
  periodDays: number,
): UntaxedFee | null {
  const commitment = plan.minimumCommitment;
  if (!commitment) return null;
  const trueUp = minimumCommitmentTrueUp({
    commitmentAmountCents: commitment.amountCents,
    billedDays,
    periodDays,
    fees: [subscriptionFee, ...usageFees],
  });
  if (!trueUp) return null;
  return {
    id: feeId(invoiceId, "commitment"),
    feeType: "commitment",
    chargeId: null,
    chargeFilterId: null,
    groupedBy: null,
    billableMetricCode: null,
    itemCode: plan.code,
    itemName: plan.name,
    invoiceDisplayName: commitment.invoiceDisplayName || MINIMUM_COMMITMENT_NAME,
    units: "1.0",
    eventsCount: 0,
    amountCents: trueUp.amountCents,
    preciseAmountCents: trueUp.preciseAmountCents.toString(),
    // Lago's unit amount of a commitment fee is its rounded amount in currency units.
    preciseUnitAmount: lagoDecimal(decimal(trueUp.amountCents).dividedBy(subunitToUnit(plan.amountCurrency))),
    fromDatetime: subscriptionFee.fromDatetime,
    toDatetime: subscriptionFee.toDatetime,
    itemDescription: plan.description,
    amountDetails: {},
  };
}
