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
import {
  type BillingPeriod,
  billingDate,
  daysBetweenInclusive,
  inclusiveEnd,
  localDate,
  startOfLocalDay,
} from "#shared/domain/periods.js";
import { minimumCommitmentTrueUp } from "#shared/domain/plans/minimum-commitment-true-up.js";
import { inArrearsSubscriptionFee, type SubscriptionFeeAmount } from "#shared/domain/subscription-fee.js";
import type { BillingWindow } from "#shared/domain/subscription-periods.js";
import { type AdvanceBilling, advanceBillingOf } from "#shared/domain/subscriptions/advance-billing.js";
import { trialEndedAt } from "#shared/domain/subscriptions/lifecycle.js";
import { applicableTaxCodes, feeTaxes, invoiceTaxes } from "#shared/domain/taxes.js";
import { advanceInvoiceId, periodInvoiceId } from "#shared/store/invoice-keys.js";
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
  /**
   * A pay-in-advance plan's base fee this invoice bills: the next period's, on the invoice closing
   * a period; the period's own, on an invoice of the fee alone (`advanceOnly`).
   */
  readonly advance?: { readonly period: BillingPeriod; readonly billing: AdvanceBilling } | null;
  /** An invoice of a pay-in-advance base fee alone (at the start, at a trial's end): no usage. */
  readonly advanceOnly?: boolean;
  /**
   * The base fee's window, when its period is longer than the billing period (a yearly plan
   * billing its charges monthly): its fee and commitment are billed with the period's last month.
   */
  readonly planWindow?: BillingWindow;
  /** That longer period's usage fees billed on its earlier months' invoices (for its commitment). */
  readonly earlierUsageFees?: readonly {
    readonly amountCents: number;
    readonly preciseAmountCents: string;
  }[];
}

/** A pay-in-advance base fee: the part of its period from its first day (or its trial's end). */
export function advanceFeeAmount(
  plan: Pick<Plan, "amountCents" | "amountCurrency">,
  period: BillingPeriod,
  billing: AdvanceBilling,
): SubscriptionFeeAmount {
  return inArrearsSubscriptionFee(plan, period, billing.firstDate, period.toDate, billing.trialEndDate);
}

/** Lago's name of a minimum commitment fee without a display name of its own. */
export const MINIMUM_COMMITMENT_NAME = "Minimum commitment";

/**
 * The invoice closing a subscription's billing period: one fee per charge, in arrears, with a
 * true-up fee for each charge whose fees fall short of its spending minimum; the base fee when this
 * closes the base fee's period (an in-arrears plan's, prorated by local days when the subscription
 * started or ended inside it) or, for a plan paid in advance, the next period's fee (`advance`);
 * and a commitment fee when the commitment period's fees fall short of the plan's minimum
 * commitment. `advanceOnly` makes instead the invoice of a pay-in-advance fee alone. With a grace
 * period it is a draft; the number is given when it is saved as finalized. Refreshing a draft builds
 * its period again with this same function.
 */
export function buildPeriodInvoice(input: PeriodInvoiceInput): Invoice {
  const { organization, customer, subscription, plan, window, timezone, now } = input;
  const { period, chargesFrom, toDatetime } = window;
  const advance = input.advance ?? null;
  const advanceOnly = input.advanceOnly === true && advance !== null;
  const planWindow = input.planWindow ?? window;
  const planPeriod = planWindow.period;
  // This invoice closes the base fee's period (or the subscription's end inside it).
  const closesPlanPeriod = window.chargesUntil === planWindow.chargesUntil;
  const id = advanceOnly
    ? advanceInvoiceId(subscription.organizationId, subscription.id, advance.period.startsAt)
    : periodInvoiceId(subscription.organizationId, subscription.id, period.startsAt);
  const trialEnd = trialEndedAt(subscription, plan);
  // A pay-in-advance plan's fee bills the period ahead (or none); an in-arrears plan's, this one's days.
  const base = plan.payInAdvance
    ? advance
      ? advanceFeeAmount(plan, advance.period, advance.billing)
      : null
    : closesPlanPeriod
      ? inArrearsSubscriptionFee(
          plan,
          planPeriod,
          planWindow.firstDate,
          planWindow.lastDate,
          trialEnd ? localDate(trialEnd, timezone) : null,
        )
      : null;
  const baseFrom = advance && plan.payInAdvance ? advance.billing.firstDate : planWindow.firstDate;
  const baseTo = advance && plan.payInAdvance ? inclusiveEnd(advance.period) : planWindow.toDatetime;
  const subscriptionFee: UntaxedFee | null = base && {
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
    fromDatetime: startOfLocalDay(baseFrom, timezone),
    toDatetime: baseTo,
    itemDescription: plan.description,
    amountDetails: { plan_amount_cents: plan.amountCents },
  };
  const chargeFees = (advanceOnly ? [] : input.chargeFees).map((fee) => ({
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
  const usageFees = advanceOnly ? [] : withChargeTrueUps(id, plan, chargeFees, billedDays, period.days);
  // The commitment of a period is met by its base fee, which a pay-in-advance plan billed before it
  // (Lago trues up an in-advance plan only on an invoice after the one that billed its period).
  const committedBase = plan.payInAdvance
    ? paidInAdvance(subscription, plan, timezone, planPeriod)
    : subscriptionFee;
  const commitmentFee =
    advanceOnly || !closesPlanPeriod || (plan.payInAdvance && committedBase === null)
      ? null
      : minimumCommitmentFee(
          id,
          plan,
          committedBase,
          [...(input.earlierUsageFees ?? []), ...usageFees],
          daysBetweenInclusive(planWindow.firstDate, planWindow.lastDate),
          planPeriod.days,
          {
            fromDatetime: startOfLocalDay(planWindow.firstDate, timezone),
            toDatetime: planWindow.toDatetime,
          },
        );
  const taxesByCode = new Map(input.taxes.map((tax) => [tax.code, tax]));
  const untaxed = [
    ...(subscriptionFee ? [subscriptionFee] : []),
    ...usageFees,
    ...(commitmentFee ? [commitmentFee] : []),
  ];
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
  // A closed period is billed on the next period's first day; a termination on its own day; a
  // fee billed alone, on the day it is due.
  const billedOn = advanceOnly
    ? localDate(advance.billing.at, timezone)
    : window.chargesUntil === period.endsAt
      ? billingDate(period)
      : window.lastDate;
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
    periodStartsAt: advanceOnly ? advance.period.startsAt : period.startsAt,
    periodEndsAt: advanceOnly ? advance.period.endsAt : period.endsAt,
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
    billingPeriods: [billedPeriod(subscription, window, timezone, advance, advanceOnly)],
  };
}

/**
 * What the invoice bills of its subscription, as Lago records it: a pay-in-advance fee's span
 * for the base fee (the next period, on a closing invoice), the closed period's for the usage.
 */
function billedPeriod(
  subscription: Subscription,
  window: BillingWindow,
  timezone: string,
  advance: PeriodInvoiceInput["advance"],
  advanceOnly: boolean,
) {
  const billed = invoiceBillingPeriod(subscription, window, timezone);
  if (!advance) return billed;
  const fromDatetime = startOfLocalDay(advance.billing.firstDate, timezone);
  const toDatetime = inclusiveEnd(advance.period);
  if (advanceOnly)
    return {
      ...billed,
      fromDatetime,
      toDatetime,
      chargesFromDatetime: fromDatetime,
      chargesToDatetime: toDatetime,
      invoicingReason: "subscription_starting" as const,
    };
  return { ...billed, fromDatetime, toDatetime };
}

/** What a pay-in-advance plan billed ahead for `period`'s base fee (null if it never billed it). */
function paidInAdvance(
  subscription: Subscription,
  plan: Plan,
  timezone: string,
  period: BillingPeriod,
): { readonly amountCents: number; readonly preciseAmountCents: string } | null {
  const billing = advanceBillingOf(subscription, plan, timezone, period);
  if (!billing) return null;
  const fee = advanceFeeAmount(plan, period, billing);
  return { amountCents: fee.amountCents, preciseAmountCents: fee.preciseAmountCents.toString() };
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
 * The plan's minimum commitment fee, when the base fee and the usage fees (true-ups included) of
 * the commitment period fall short of the commitment prorated by the days billed. The commitment
 * period is the base fee's: a yearly plan billing its charges monthly counts all its months' fees.
 */
function minimumCommitmentFee(
  invoiceId: string,
  plan: Plan,
  subscriptionFee: { readonly amountCents: number; readonly preciseAmountCents: string } | null,
  usageFees: readonly { readonly amountCents: number; readonly preciseAmountCents: string }[],
  billedDays: number,
  periodDays: number,
  span: { readonly fromDatetime: string; readonly toDatetime: string },
): UntaxedFee | null {
  const commitment = plan.minimumCommitment;
  if (!commitment) return null;
  const trueUp = minimumCommitmentTrueUp({
    commitmentAmountCents: commitment.amountCents,
    billedDays,
    periodDays,
    fees: [...(subscriptionFee ? [subscriptionFee] : []), ...usageFees],
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
    fromDatetime: span.fromDatetime,
    toDatetime: span.toDatetime,
    itemDescription: plan.description,
    amountDetails: {},
  };
}
