import type { Charge, Plan, Tax } from "#shared/domain/catalog.js";
import { serializeTax } from "../taxes/serialize.js";

function taxesNamed(codes: readonly string[], taxes: readonly Tax[]) {
  return taxes.filter((tax) => codes.includes(tax.code)).map(serializeTax);
}

function serializeCharge(charge: Charge, taxes: readonly Tax[]) {
  return {
    lago_id: charge.id,
    lago_billable_metric_id: charge.billableMetricId,
    billable_metric_code: charge.billableMetricCode,
    invoice_display_name: charge.invoiceDisplayName,
    created_at: charge.createdAt,
    charge_model: charge.chargeModel,
    pay_in_advance: charge.payInAdvance,
    invoiceable: charge.invoiceable,
    regroup_paid_fees: charge.regroupPaidFees,
    prorated: charge.prorated,
    min_amount_cents: charge.minAmountCents,
    properties: charge.properties,
    filters: charge.filters.map((filter) => ({
      invoice_display_name: filter.invoiceDisplayName,
      properties: filter.properties,
      values: filter.values,
    })),
    taxes: taxesNamed(charge.taxCodes, taxes),
  };
}

export function serializePlan(plan: Plan, taxes: readonly Tax[] = []) {
  return {
    lago_id: plan.id,
    name: plan.name,
    invoice_display_name: plan.invoiceDisplayName,
    created_at: plan.createdAt,
    code: plan.code,
    interval: plan.interval,
    description: plan.description,
    amount_cents: plan.amountCents,
    amount_currency: plan.amountCurrency,
    trial_period: plan.trialPeriodDays,
    pay_in_advance: plan.payInAdvance,
    bill_charges_monthly: plan.billChargesMonthly,
    charges: plan.charges.map((charge) => serializeCharge(charge, taxes)),
    taxes: taxesNamed(plan.taxCodes, taxes),
    minimum_commitment: plan.minimumCommitment
      ? {
          amount_cents: plan.minimumCommitment.amountCents,
          invoice_display_name: plan.minimumCommitment.invoiceDisplayName,
          interval: plan.interval,
          taxes: taxesNamed(plan.minimumCommitment.taxCodes, taxes),
        }
      : null,
    usage_thresholds: [],
  };
}
