import type { Charge, Plan } from "#shared/domain/catalog.js";
import { planGroupKeys } from "#shared/domain/charge-fees.js";
import { invalid, LagoHttpError, validationFailed } from "#shared/platform/http/errors.js";
import type { CatalogWrite } from "#shared/store/catalog-store.js";
import type { CatalogDeps } from "../catalog-deps.js";
import { requireTaxes } from "../taxes/require-taxes.js";
import { mergePlanOverrides } from "./merge-plan-overrides.js";
import type { ChargeInput } from "./plan-input.js";
import { buildCharges } from "./plan-input.js";
import { overrideTaxCodes, type PlanOverrides } from "./plan-overrides-input.js";

/** A charge as the plan API would take it, to pass Lago's charge rules again after its override. */
function asInput(charge: Charge): ChargeInput {
  return {
    id: charge.id,
    billable_metric_id: charge.billableMetricId,
    charge_model: charge.chargeModel,
    pay_in_advance: charge.payInAdvance,
    invoiceable: charge.invoiceable,
    regroup_paid_fees: charge.regroupPaidFees,
    prorated: charge.prorated,
    min_amount_cents: charge.minAmountCents,
    invoice_display_name: charge.invoiceDisplayName,
    properties: { ...charge.properties },
    filters: charge.filters.map((filter) => ({
      invoice_display_name: filter.invoiceDisplayName,
      properties: { ...filter.properties },
      values: Object.fromEntries(Object.entries(filter.values).map(([key, values]) => [key, [...values]])),
    })),
    tax_codes: [...charge.taxCodes],
  };
}

/**
 * Usage is pre-aggregated by the pricing group keys of the plan a subscription's code names (the
 * parent), so a child may not group a metric's usage by other keys: its invoices would read
 * buckets that were never kept.
 */
function sameGroupKeys(base: Plan, child: Plan): boolean {
  const codes = new Set(base.charges.map((charge) => charge.billableMetricCode));
  return [...codes].every(
    (code) => planGroupKeys(base, code).join("\u0000") === planGroupKeys(child, code).join("\u0000"),
  );
}

/**
 * `plan_overrides` applied to `base` (a plan, or a subscription's own child plan): the child plan
 * and the write that stores it, to be made with the subscription that points at it. Nothing is
 * written here: taxes must exist (404 `tax_not_found`, as for plans) and every overridden charge
 * passes its model's rules again (422 with the plan API's keys), before the caller writes.
 *
 * The child is stored by its id, which is derived from the subscription and the parent plan: a
 * request made again writes the same item, and the subscription's own conditional write decides
 * which of two concurrent requests holds.
 */
export async function overridePlan(
  deps: CatalogDeps,
  base: Plan,
  overrides: PlanOverrides,
  childId: string,
  now: string,
): Promise<{ plan: Plan; writes: CatalogWrite[] }> {
  await requireTaxes(deps.catalog, base.organizationId, overrideTaxCodes(overrides));
  const merged = mergePlanOverrides(base, overrides, childId, now);
  const metrics =
    merged.overriddenCharges.size > 0 ? await deps.catalog.listMetrics(base.organizationId) : [];
  // Each overridden charge checked (and its properties normalized) as the plan API checks charges,
  // its errors named by its override's position; ids stay the child's.
  const errors: Record<string, string[]> = {};
  const checked = new Map<string, Charge>();
  for (const charge of merged.plan.charges) {
    const index = merged.overriddenCharges.get(charge.id);
    if (index === undefined) continue;
    try {
      const [result] = buildCharges([asInput(charge)], metrics, [], false, now);
      if (result) checked.set(charge.id, result);
    } catch (error) {
      if (!(error instanceof LagoHttpError) || error.status !== 422) throw error;
      const details = (error.body.error_details ?? {}) as Record<string, string[]>;
      for (const [field, codes] of Object.entries(details)) {
        const key = field.replace(/^charges\.0\./, `charges.${index}.`);
        errors[key] = [...new Set([...(errors[key] ?? []), ...codes])];
      }
    }
  }
  if (Object.keys(errors).length > 0) throw validationFailed(errors);
  const plan: Plan = {
    ...merged.plan,
    charges: merged.plan.charges.map((charge) => {
      const result = checked.get(charge.id);
      if (!result) return charge;
      return {
        ...charge,
        properties: result.properties,
        filters: charge.filters.map((filter, i) => ({
          ...filter,
          properties: result.filters[i]?.properties ?? filter.properties,
        })),
      };
    }),
  };
  if (!sameGroupKeys(base, plan))
    throw invalid("plan_overrides.charges", "pricing_group_keys_not_overridable");
  return { plan, writes: [deps.catalog.childPlanSave(plan)] };
}
