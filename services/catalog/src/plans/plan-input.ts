import { randomUUID } from "node:crypto";
import { z } from "zod";
import {
  type BillableMetric,
  CHARGE_MODELS,
  type Charge,
  type ChargeFilter,
  type MinimumCommitment,
} from "#shared/domain/catalog.js";
import { PLAN_INTERVALS } from "#shared/domain/periods.js";
import { notFound, validationFailed } from "#shared/platform/http/errors.js";
import {
  amountCents,
  boundedProperties,
  codeList,
  dayCount,
  MAX_CHARGES_PER_PLAN,
  MAX_DESCRIPTION_LENGTH,
  MAX_FILTER_KEYS,
  MAX_FILTER_VALUES,
  MAX_FILTERS_PER_CHARGE,
  MAX_ID_LENGTH,
  MAX_NAME_LENGTH,
  MAX_TAX_CODES,
  text,
} from "../catalog-limits.js";
import { code, currencyCode, requiredName } from "../shared-schemas.js";
import { checkCharge } from "./charge-validation.js";

/** Matches any declared value of a metric filter key. */
export const ALL_FILTER_VALUES = "__ALL_FILTER_VALUES__";

/** Charge model properties: free-form, so bounded as a whole (catalog-limits.ts). */
export const properties = z.record(z.string(), z.unknown()).superRefine(boundedProperties);

export const displayName = text(MAX_NAME_LENGTH).nullable().optional();
export const taxCodes = codeList(MAX_TAX_CODES, "too_many_tax_codes").optional();

export const chargeFilterInput = z.object({
  invoice_display_name: displayName,
  properties: properties.optional(),
  values: z
    .record(
      text(MAX_ID_LENGTH),
      z.array(text(MAX_ID_LENGTH)).min(1).max(MAX_FILTER_VALUES, { message: "too_many_values" }),
    )
    .refine((values) => Object.keys(values).length <= MAX_FILTER_KEYS, { message: "too_many_keys" }),
});

const chargeInput = z.object({
  id: text(64).optional(),
  billable_metric_id: text(MAX_ID_LENGTH).optional(),
  billable_metric_code: text(MAX_ID_LENGTH).optional(),
  charge_model: z.enum(CHARGE_MODELS, { message: "value_is_invalid" }),
  pay_in_advance: z.boolean().optional(),
  invoiceable: z.boolean().optional(),
  regroup_paid_fees: z.enum(["invoice"]).nullable().optional(),
  prorated: z.boolean().optional(),
  min_amount_cents: amountCents.optional(),
  invoice_display_name: displayName,
  properties: properties.optional(),
  filters: z.array(chargeFilterInput).max(MAX_FILTERS_PER_CHARGE, { message: "too_many_filters" }).optional(),
  tax_codes: taxCodes,
});

const planFields = {
  name: requiredName,
  code,
  interval: z.enum(PLAN_INTERVALS, { message: "value_is_invalid" }),
  description: text(MAX_DESCRIPTION_LENGTH).nullable().optional(),
  invoice_display_name: displayName,
  amount_cents: amountCents,
  amount_currency: currencyCode,
  pay_in_advance: z.boolean().optional(),
  // Lago's trial period is a number of days, fractions allowed.
  trial_period: dayCount(true).optional(),
  bill_charges_monthly: z.boolean().nullable().optional(),
  tax_codes: taxCodes,
  minimum_commitment: z
    .object({
      amount_cents: amountCents,
      invoice_display_name: displayName,
      tax_codes: taxCodes,
    })
    .nullable()
    .optional(),
  charges: z.array(chargeInput).max(MAX_CHARGES_PER_PLAN, { message: "too_many_charges" }).optional(),
};

export const planCreate = z.object(planFields);
export const planUpdate = z.object(planFields).partial();

export type ChargeInput = z.output<typeof chargeInput>;

/** Every tax code a plan request names, for the existence check. */
export function taxCodesOf(input: z.output<typeof planUpdate>): string[] {
  return [
    ...(input.tax_codes ?? []),
    ...(input.minimum_commitment?.tax_codes ?? []),
    ...(input.charges ?? []).flatMap((charge) => charge.tax_codes ?? []),
  ];
}

export function minimumCommitmentOf(
  input: z.output<typeof planUpdate>["minimum_commitment"],
): MinimumCommitment | null {
  if (!input) return null;
  return {
    amountCents: input.amount_cents,
    invoiceDisplayName: input.invoice_display_name ?? null,
    taxCodes: [...new Set(input.tax_codes ?? [])],
  };
}

/** Filter values must be among the metric's declared ones (or the all-values marker). */
function filterErrors(filters: readonly ChargeFilter[], metric: BillableMetric): string[] {
  for (const filter of filters) {
    for (const [key, values] of Object.entries(filter.values)) {
      const declared = metric.filters.find((f) => f.key === key);
      if (!declared) return ["invalid_key"];
      if (values.some((value) => value !== ALL_FILTER_VALUES && !declared.values.includes(value))) {
        return ["invalid_values"];
      }
    }
  }
  return [];
}

/**
 * Builds a plan's charges from the request: each names its metric by Lago id or code (404
 * `billable_metric_not_found` otherwise) and passes its model's rules (422, keyed like Lago's).
 * A charge sent with the id of an existing one keeps its identity; `locked` existing charges (a
 * plan with subscriptions) keep their model and billing flags, as Lago does.
 */
export function buildCharges(
  inputs: readonly ChargeInput[],
  metrics: readonly BillableMetric[],
  existing: readonly Charge[],
  locked: boolean,
  now: string,
): Charge[] {
  const errors: Record<string, string[]> = {};
  const charges = inputs.map((input, index): Charge => {
    const metric = metrics.find((m) =>
      input.billable_metric_id ? m.id === input.billable_metric_id : m.code === input.billable_metric_code,
    );
    if (!metric) throw notFound("billable_metric");
    const previous = input.id ? existing.find((charge) => charge.id === input.id) : undefined;
    const keep = previous && locked ? previous : undefined;
    const filters: ChargeFilter[] = (input.filters ?? []).map((filter) => ({
      id: randomUUID(),
      invoiceDisplayName: filter.invoice_display_name ?? null,
      properties: filter.properties ?? {},
      values: filter.values,
    }));
    const chargeModel = keep?.chargeModel ?? input.charge_model;
    const flags = {
      payInAdvance: keep?.payInAdvance ?? input.pay_in_advance ?? false,
      invoiceable: keep?.invoiceable ?? input.invoiceable ?? true,
      prorated: keep?.prorated ?? input.prorated ?? false,
      minAmountCents: keep?.minAmountCents ?? input.min_amount_cents ?? 0,
    };
    const checked = checkCharge({ chargeModel, properties: input.properties ?? {}, ...flags }, metric);
    const filterChecks = filters.map((filter) =>
      checkCharge({ chargeModel, properties: filter.properties, ...flags }, metric),
    );
    const failures = [checked, ...filterChecks].flatMap((result) => (result.ok ? [] : [result.errors]));
    for (const failure of failures) {
      for (const [field, codes] of Object.entries(failure))
        errors[field] = [...new Set([...(errors[field] ?? []), ...codes])];
    }
    const badFilters = filterErrors(filters, metric);
    if (badFilters.length > 0) errors[`charges.${index}.filters`] = badFilters;
    return {
      id: previous?.id ?? randomUUID(),
      billableMetricId: metric.id,
      billableMetricCode: metric.code,
      chargeModel,
      properties: checked.ok ? checked.properties : {},
      filters: filters.map((filter, i) => {
        const result = filterChecks[i];
        return { ...filter, properties: result?.ok ? result.properties : {} };
      }),
      ...flags,
      regroupPaidFees: input.regroup_paid_fees ?? null,
      invoiceDisplayName: input.invoice_display_name ?? null,
      taxCodes: [...new Set(input.tax_codes ?? [])],
      createdAt: previous?.createdAt ?? now,
    };
  });
  if (Object.keys(errors).length > 0) throw validationFailed(errors);
  return charges;
}
