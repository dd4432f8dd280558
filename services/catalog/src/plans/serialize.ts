import type { Charge, Plan } from "#shared/domain/catalog.js";

function serializeCharge(charge: Charge) {
  return {
    lago_id: charge.id,
    lago_billable_metric_id: charge.billableMetricId,
    billable_metric_code: charge.billableMetricCode,
    invoice_display_name: charge.invoiceDisplayName,
    created_at: charge.createdAt,
    charge_model: charge.chargeModel,
    pay_in_advance: charge.payInAdvance,
    invoiceable: charge.invoiceable,
    regroup_paid_fees: null,
    prorated: charge.prorated,
    min_amount_cents: charge.minAmountCents,
    properties: charge.properties,
    filters: [],
    taxes: [],
  };
}

export function serializePlan(plan: Plan) {
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
    bill_charges_monthly: null,
    charges: plan.charges.map(serializeCharge),
    taxes: [],
    minimum_commitment: null,
    usage_thresholds: [],
  };
}
