import type { Charge, ChargeFilter, MinimumCommitment, Plan } from "#shared/domain/catalog.js";
import { validationFailed } from "#shared/platform/http/errors.js";
import { stableUuid } from "#shared/platform/ids.js";
import type { PlanOverrides } from "./plan-overrides-input.js";

/** The child plan of a subscription and a parent plan: the same on every retry of one request. */
export const childPlanId = (subscriptionId: string, parentPlanId: string) =>
  stableUuid(subscriptionId, "plan_override", parentPlanId);

export interface MergedPlan {
  readonly plan: Plan;
  /**
   * The charges the overrides changed (ids on the merged plan), whose rules must be checked
   * again, each with the position of its override in `plan_overrides.charges`.
   */
  readonly overriddenCharges: ReadonlyMap<string, number>;
}

type FilterOverride = NonNullable<NonNullable<PlanOverrides["charges"]>[number]["filters"]>[number];

const distinct = (codes: readonly string[]) => [...new Set(codes)];

/** `key` given (even as null) replaces `current`; absent, `current` stays. */
const given = <T>(value: T | undefined, current: T): T => (value === undefined ? current : value);

function mergedCommitment(
  current: MinimumCommitment | null,
  override: PlanOverrides["minimum_commitment"],
): MinimumCommitment | null {
  // As in Lago, an empty or null commitment override leaves the plan's commitment as it is.
  if (!override || Object.values(override).every((value) => value === undefined)) return current;
  const amountCents = override.amount_cents ?? current?.amountCents;
  if (amountCents === undefined) {
    throw validationFailed({ "minimum_commitment.amount_cents": ["value_is_mandatory"] });
  }
  return {
    amountCents,
    invoiceDisplayName: given(override.invoice_display_name, current?.invoiceDisplayName ?? null),
    taxCodes: override.tax_codes ? distinct(override.tax_codes) : (current?.taxCodes ?? []),
  };
}

/**
 * A copy of the parent's charge on the child plan: its own id (derived from the child plan's and
 * the parent charge's, so a retry writes the same item) and `parentId` naming the charge it copies.
 */
function copiedCharge(charge: Charge, childId: string, now: string): Charge {
  const id = stableUuid(childId, "charge", charge.id);
  return {
    ...charge,
    id,
    parentId: charge.id,
    filters: charge.filters.map((filter) => ({ ...filter, id: stableUuid(id, "filter", filter.id) })),
    createdAt: now,
  };
}

function replacedFilters(chargeId: string, filters: readonly FilterOverride[], now: string): ChargeFilter[] {
  return filters.map((filter, index) => ({
    id: stableUuid(chargeId, "filter", now, String(index)),
    invoiceDisplayName: filter.invoice_display_name ?? null,
    properties: filter.properties ?? {},
    values: filter.values,
  }));
}

/**
 * Lago's plan overrides applied to `base`, pure. `base` is either a plan of the catalog, copied
 * into a new child plan `childId` (its code, interval and billing flags kept; `parentId` set), or
 * a subscription's own child plan, changed in place (Lago updates the child then, never the parent).
 *
 * Each field the overrides carry replaces the plan's; `tax_codes` replace the plan's taxes. A
 * charge override names a charge by its id, on the child or on the parent it copies, and replaces
 * its `properties`, `min_amount_cents`, `invoice_display_name` and `tax_codes` when given, and its
 * filters as a whole when `filters` is given. Charges not named are copied as they are.
 *
 * Where Lago's copy drops what it does not name (the plan's and charges' taxes, the minimum
 * commitment: Ruby's `dup` copies no association), the child keeps the parent's, as a user reading
 * the plan would expect; a commitment override on a plan without one needs its `amount_cents`.
 */
export function mergePlanOverrides(
  base: Plan,
  overrides: PlanOverrides,
  childId: string,
  now: string,
): MergedPlan {
  const updatingChild = Boolean(base.parentId);
  const id = updatingChild ? base.id : childId;
  let charges = updatingChild ? [...base.charges] : base.charges.map((c) => copiedCharge(c, id, now));

  const unknown: number[] = [];
  const overridden = new Map<string, number>();
  (overrides.charges ?? []).forEach((override, index) => {
    const at = charges.findIndex((charge) => charge.id === override.id || charge.parentId === override.id);
    const charge = charges[at];
    if (!charge) {
      unknown.push(index);
      return;
    }
    overridden.set(charge.id, index);
    const merged: Charge = {
      ...charge,
      properties: override.properties ?? charge.properties,
      minAmountCents: override.min_amount_cents ?? charge.minAmountCents,
      invoiceDisplayName: given(override.invoice_display_name, charge.invoiceDisplayName),
      taxCodes: override.tax_codes ? distinct(override.tax_codes) : charge.taxCodes,
      filters: override.filters ? replacedFilters(charge.id, override.filters, now) : charge.filters,
    };
    charges = charges.map((c, i) => (i === at ? merged : c));
  });
  // Lago skips a charge override naming no charge of the plan; we refuse it, so a mistyped id is
  // never silently left at the plan's price.
  if (unknown.length > 0) {
    throw validationFailed(
      Object.fromEntries(unknown.map((index) => [`charges.${index}.id`, ["charge_not_found"]])),
    );
  }

  const plan: Plan = {
    ...base,
    id,
    parentId: updatingChild ? base.parentId : base.id,
    name: overrides.name ?? base.name,
    description: given(overrides.description, base.description),
    invoiceDisplayName: given(overrides.invoice_display_name, base.invoiceDisplayName),
    amountCents: overrides.amount_cents ?? base.amountCents,
    amountCurrency: overrides.amount_currency ?? base.amountCurrency,
    trialPeriodDays: overrides.trial_period ?? base.trialPeriodDays,
    taxCodes: overrides.tax_codes ? distinct(overrides.tax_codes) : base.taxCodes,
    minimumCommitment: mergedCommitment(base.minimumCommitment, overrides.minimum_commitment),
    charges,
    createdAt: updatingChild ? base.createdAt : now,
  };
  return { plan, overriddenCharges: overridden };
}
