import type {
  ChargeFilterObject,
  ChargeObject,
  ChargeObjectProperties,
  MinimumCommitmentObject,
  PlanObject,
} from "lago-javascript-client";
import type { Charge, Plan, Tax } from "#shared/domain/catalog.js";
import { stableUuid } from "#shared/platform/ids.js";
import { type Corrected, type LagoShape, lagoCurrency } from "#shared/serializers/lago-shape.js";
import { serializeTax } from "#shared/serializers/tax.js";

function taxesNamed(codes: readonly string[], taxes: readonly Tax[]) {
  return taxes.filter((tax) => codes.includes(tax.code)).map(serializeTax);
}

/**
 * Charge properties as Lago shows them: the group keys under both their names, the deprecated
 * `grouped_by` and `pricing_group_keys`, whichever of them was sent. The properties were checked
 * against the charge model when the plan was saved, so they have the client's shape.
 */
function shownProperties(properties: Readonly<Record<string, unknown>>): ChargeObjectProperties {
  const present = (value: unknown) => Array.isArray(value) && value.length > 0;
  const shown: Record<string, unknown> = { ...properties };
  if (present(shown.grouped_by) && !present(shown.pricing_group_keys)) {
    shown.pricing_group_keys = shown.grouped_by;
  }
  if (present(shown.pricing_group_keys) && !present(shown.grouped_by)) {
    shown.grouped_by = shown.pricing_group_keys;
  }
  return shown as ChargeObjectProperties;
}

/** Lago's fields of a charge filter the client does not type; charges have no code here. */
interface ChargeFilterExtras {
  readonly lago_id: string;
  readonly charge_code: null;
}

/** Lago sends a charge's unset `regroup_paid_fees` as null, which the client's type does not list. */
type ChargeShape = Corrected<LagoShape<ChargeObject>, { regroup_paid_fees: "invoice" | null }>;

function serializeCharge(charge: Charge, taxes: readonly Tax[]): ChargeShape {
  return {
    lago_id: charge.id,
    lago_billable_metric_id: charge.billableMetricId,
    // Charge codes are not part of this product yet.
    code: null,
    billable_metric_code: charge.billableMetricCode,
    invoice_display_name: charge.invoiceDisplayName,
    created_at: charge.createdAt,
    charge_model: charge.chargeModel,
    pay_in_advance: charge.payInAdvance,
    invoiceable: charge.invoiceable,
    regroup_paid_fees: charge.regroupPaidFees,
    prorated: charge.prorated,
    min_amount_cents: charge.minAmountCents,
    accepts_target_wallet: false,
    properties: shownProperties(charge.properties),
    applied_pricing_unit: null,
    lago_parent_id: charge.parentId ?? null,
    filters: charge.filters.map(
      (filter) =>
        ({
          lago_id: filter.id,
          charge_code: null,
          invoice_display_name: filter.invoiceDisplayName,
          properties: shownProperties(filter.properties),
          values: Object.fromEntries(
            Object.entries(filter.values).map(([key, values]) => [key, [...values]]),
          ),
        }) satisfies LagoShape<ChargeFilterObject> & ChargeFilterExtras,
    ),
    taxes: taxesNamed(charge.taxCodes, taxes),
  };
}

/** Lago's fields of a plan the client does not type; the counts are always 0 in Lago's serializer. */
interface PlanExtras {
  readonly customers_count: 0;
  readonly active_subscriptions_count: 0;
  readonly draft_invoices_count: 0;
  readonly parent_id: string | null;
  readonly pending_deletion: boolean;
}

export type PlanShape = Corrected<
  LagoShape<PlanObject>,
  { charges: ChargeShape[]; minimum_commitment: LagoShape<MinimumCommitmentObject> | null }
> &
  PlanExtras;

export function serializePlan(plan: Plan, taxes: readonly Tax[] = []): PlanShape {
  const commitment = plan.minimumCommitment;
  return {
    lago_id: plan.id,
    name: plan.name,
    invoice_display_name: plan.invoiceDisplayName,
    created_at: plan.createdAt,
    code: plan.code,
    interval: plan.interval,
    description: plan.description,
    amount_cents: plan.amountCents,
    amount_currency: lagoCurrency(plan.amountCurrency),
    trial_period: plan.trialPeriodDays,
    pay_in_advance: plan.payInAdvance,
    // Lago keeps nothing for a plan whose interval cannot bill charges monthly.
    bill_charges_monthly:
      plan.interval === "yearly" || plan.interval === "semiannual" ? plan.billChargesMonthly : null,
    bill_fixed_charges_monthly: plan.interval === "yearly" || plan.interval === "semiannual" ? false : null,
    customers_count: 0,
    active_subscriptions_count: 0,
    draft_invoices_count: 0,
    parent_id: plan.parentId ?? null,
    pending_deletion: false,
    charges: plan.charges.map((charge) => serializeCharge(charge, taxes)),
    // Fixed charges, entitlements, usage thresholds and plan metadata are not part of this product yet.
    fixed_charges: [],
    entitlements: [],
    usage_thresholds: [],
    metadata: null,
    taxes: taxesNamed(plan.taxCodes, taxes),
    minimum_commitment: commitment
      ? {
          // The commitment is kept inside its plan: its id is derived from the plan's, its dates are the plan's.
          lago_id: stableUuid(plan.id, "minimum_commitment"),
          plan_code: plan.code,
          amount_cents: commitment.amountCents,
          invoice_display_name: commitment.invoiceDisplayName,
          interval: plan.interval,
          created_at: plan.createdAt,
          updated_at: plan.createdAt,
          taxes: taxesNamed(commitment.taxCodes, taxes),
        }
      : null,
  };
}
