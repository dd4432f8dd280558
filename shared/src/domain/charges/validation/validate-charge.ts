import { type AggregationType, CHARGE_MODELS, type ChargeModel } from "../../catalog.js";
import { ErrorBag } from "./error-bag.js";
import { validateModelProperties } from "./model-properties.js";
import { normalizeProperties } from "./normalize-properties.js";

/** A charge as a plan create/update request gives it (snake_case fields already read). */
export interface ChargeInput {
  readonly chargeModel: string | null | undefined;
  readonly properties?: unknown;
  readonly payInAdvance?: boolean | null;
  readonly invoiceable?: boolean | null;
  readonly prorated?: boolean | null;
  readonly minAmountCents?: number | null;
  readonly regroupPaidFees?: string | null;
}

/** What the charge's billable metric brings to the rules. */
export interface ChargeMetric {
  readonly aggregationType: AggregationType;
  readonly recurring: boolean;
}

export type ChargeValidation =
  | { readonly ok: true; readonly chargeModel: ChargeModel; readonly properties: Record<string, unknown> }
  | { readonly ok: false; readonly errors: Record<string, string[]> };

/** Aggregations whose usage can be billed event by event (Lago's payable_in_advance?). */
const PAYABLE_IN_ADVANCE: ReadonlySet<AggregationType> = new Set([
  "count_agg",
  "sum_agg",
  "unique_count_agg",
]);

/**
 * Validates a charge the way Lago's Charge model and charge validators do, and returns its
 * properties normalized as Lago stores them. Error keys are field paths relative to the charge
 * (`pay_in_advance`, `properties.graduated_ranges`); `lagoErrorDetails` turns them into the body
 * Lago's API answers with.
 */
export function validateCharge(input: ChargeInput, metric: ChargeMetric): ChargeValidation {
  const errors = new ErrorBag();
  const model = readModel(input.chargeModel, errors);
  const payInAdvance = input.payInAdvance ?? false;
  const invoiceable = input.invoiceable ?? true;
  const prorated = input.prorated ?? false;

  let properties: Record<string, unknown> = {};
  if (model) {
    const raw = readProperties(input.properties, errors);
    properties = normalizeProperties(model, raw);
    if (raw !== undefined) validateModelProperties(model, properties, metric.aggregationType, errors);
    if (model === "dynamic" && metric.aggregationType !== "sum_agg") {
      errors.add("charge_model", "invalid_aggregation_type_or_charge_model");
    }
    if (payInAdvance && (model === "volume" || !PAYABLE_IN_ADVANCE.has(metric.aggregationType))) {
      errors.add("pay_in_advance", "invalid_aggregation_type_or_charge_model");
    }
    if (prorated && !prorationAllowed(model, payInAdvance, metric)) {
      errors.add("prorated", "invalid_billable_metric_or_charge_model");
    }
  }
  validateMinAmount(input.minAmountCents, payInAdvance, errors);
  validateRegroupPaidFees(input.regroupPaidFees, payInAdvance, invoiceable, errors);
  if (!payInAdvance && !invoiceable) errors.add("invoiceable", "must_be_true_unless_pay_in_advance");

  if (!model || !errors.isEmpty) return { ok: false, errors: errors.toRecord() };
  return { ok: true, chargeModel: model, properties };
}

/**
 * Lago's API body for these errors: every property error is reported under `properties`, with
 * the codes only (`{"properties": ["invalid_amount"]}`).
 */
export function lagoErrorDetails(
  errors: Readonly<Record<string, readonly string[]>>,
): Record<string, string[]> {
  const details: Record<string, string[]> = {};
  for (const [path, codes] of Object.entries(errors)) {
    const field = path.startsWith("properties.") ? "properties" : path;
    const merged = details[field] ?? [];
    for (const code of codes) if (!merged.includes(code)) merged.push(code);
    details[field] = merged;
  }
  return details;
}

function readModel(value: string | null | undefined, errors: ErrorBag): ChargeModel | null {
  if (value === undefined || value === null || value === "") {
    errors.add("charge_model", "value_is_mandatory");
    return null;
  }
  if (!(CHARGE_MODELS as readonly string[]).includes(value)) {
    errors.add("charge_model", "value_is_invalid");
    return null;
  }
  return value as ChargeModel;
}

/** Properties must be an object when given; undefined means "validate nothing, use defaults". */
function readProperties(value: unknown, errors: ErrorBag): Record<string, unknown> | null | undefined {
  if (value === undefined || value === null) return null;
  if (typeof value !== "object" || Array.isArray(value)) {
    errors.add("properties", "value_is_invalid");
    return undefined;
  }
  return value as Record<string, unknown>;
}

/**
 * Proration only makes sense for recurring usage that is not already time-weighted: in arrears
 * with standard, volume or graduated; in advance with standard only.
 */
function prorationAllowed(model: ChargeModel, payInAdvance: boolean, metric: ChargeMetric): boolean {
  if (!metric.recurring || metric.aggregationType === "weighted_sum_agg") return false;
  if (payInAdvance) return model === "standard";
  return model === "standard" || model === "volume" || model === "graduated";
}

function validateMinAmount(value: number | null | undefined, payInAdvance: boolean, errors: ErrorBag): void {
  const minAmount = value ?? 0;
  if (!Number.isInteger(minAmount)) errors.add("min_amount_cents", "value_is_invalid");
  else if (minAmount < 0) errors.add("min_amount_cents", "value_is_out_of_range");
  else if (payInAdvance && minAmount > 0)
    errors.add("min_amount_cents", "not_compatible_with_pay_in_advance");
}

/** Regrouping paid fees on an invoice only applies to fees paid in advance and not invoiced. */
function validateRegroupPaidFees(
  value: string | null | undefined,
  payInAdvance: boolean,
  invoiceable: boolean,
  errors: ErrorBag,
): void {
  if (value === undefined || value === null) return;
  if (value !== "invoice") errors.add("regroup_paid_fees", "value_is_invalid");
  else if (!payInAdvance || invoiceable) {
    errors.add("regroup_paid_fees", "only_compatible_with_pay_in_advance_and_non_invoiceable");
  }
}
