import { z } from "zod";
import { AGGREGATION_TYPES, ROUNDING_FUNCTIONS } from "#shared/domain/catalog.js";
import {
  identifier,
  MAX_DESCRIPTION_LENGTH,
  MAX_FILTER_KEYS,
  MAX_FILTER_VALUES,
  MAX_ID_LENGTH,
  text,
} from "../catalog-limits.js";
import { code, requiredName } from "../shared-schemas.js";

const filters = z
  .array(
    z.object({
      key: identifier,
      values: z
        .array(text(MAX_ID_LENGTH).min(1))
        .min(1, { message: "value_is_mandatory" })
        .max(MAX_FILTER_VALUES, { message: "too_many_values" }),
    }),
  )
  .max(MAX_FILTER_KEYS, { message: "too_many_filters" })
  .superRefine((list, ctx) => {
    const keys = list.map((filter) => filter.key);
    if (new Set(keys).size !== keys.length) ctx.addIssue({ code: "custom", message: "value_already_exist" });
    for (const filter of list) {
      if (new Set(filter.values).size !== filter.values.length) {
        ctx.addIssue({ code: "custom", message: "value_already_exist" });
      }
    }
  });

const metricFields = {
  name: requiredName,
  code,
  description: text(MAX_DESCRIPTION_LENGTH).nullable().optional(),
  aggregation_type: z.enum(AGGREGATION_TYPES, { message: "value_is_invalid" }),
  field_name: z
    .string()
    .trim()
    .min(1)
    .max(MAX_ID_LENGTH, { message: "value_is_too_long" })
    .nullable()
    .optional(),
  recurring: z.boolean().optional(),
  rounding_function: z.enum(ROUNDING_FUNCTIONS, { message: "value_is_invalid" }).nullable().optional(),
  rounding_precision: z.number().int().min(-15).max(15).nullable().optional(),
  weighted_interval: z.enum(["seconds"], { message: "value_is_invalid" }).nullable().optional(),
  // Lago's computed-property formulas are not supported: refused rather than silently ignored.
  expression: text(MAX_DESCRIPTION_LENGTH)
    .nullable()
    .optional()
    .refine((value) => !value, { message: "expression_not_supported" }),
  filters: filters.optional(),
};

export const metricCreate = z.object(metricFields);
export const metricUpdate = z.object(metricFields).partial();

export type MetricCreateInput = z.output<typeof metricCreate>;

/** Lago's cross-field rules of billable metrics, on the metric as it will be saved. */
export function metricRuleErrors(metric: {
  aggregationType: string;
  fieldName: string | null;
  recurring: boolean;
  weightedInterval: string | null;
}): Record<string, string[]> {
  const errors: Record<string, string[]> = {};
  if (metric.aggregationType !== "count_agg" && !metric.fieldName) errors.field_name = ["value_is_mandatory"];
  if (metric.recurring && ["count_agg", "max_agg", "latest_agg"].includes(metric.aggregationType)) {
    errors.recurring = ["not_compatible_with_aggregation_type"];
  }
  if (metric.aggregationType === "weighted_sum_agg" && metric.weightedInterval !== "seconds") {
    errors.weighted_interval = ["value_is_invalid"];
  }
  return errors;
}
