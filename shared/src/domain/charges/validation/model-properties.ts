import type { AggregationType, ChargeModel } from "../../catalog.js";
import { decimal } from "../../money.js";
import { isBlank, isValidAmount } from "./decimal-amount.js";
import type { ErrorBag } from "./error-bag.js";
import { invalidRangeIndexes, type RangeStep } from "./range-bounds.js";

type Properties = Readonly<Record<string, unknown>>;

/**
 * Lago's per-model property validators (app/services/charges/validators/*). Each error is filed
 * under `properties.<field>` with the field Lago's validator names; Lago's API reports them all
 * under `properties` (see `lagoErrorDetails`).
 */
export function validateModelProperties(
  model: ChargeModel,
  properties: Properties,
  aggregationType: AggregationType,
  errors: ErrorBag,
): void {
  const add = (field: string, code: string) => errors.add(`properties.${field}`, code);
  switch (model) {
    case "standard":
      if (!isValidAmount(properties.amount)) add("amount", "invalid_amount");
      break;
    case "graduated":
      validatePricedRanges(properties, "graduated_ranges", "touching_or_next", add);
      break;
    case "volume":
      validatePricedRanges(properties, "volume_ranges", "next", add);
      break;
    case "graduated_percentage":
      if (aggregationType === "latest_agg") add("billable_metric", "invalid_value");
      validateRateRanges(properties, add);
      break;
    case "package":
      validatePackage(properties, add);
      break;
    case "percentage":
      if (aggregationType === "latest_agg") add("billable_metric", "invalid_value");
      validatePercentage(properties, add);
      break;
    case "dynamic":
      break;
  }
  validatePricingGroupKeys(properties, add);
}

type Add = (field: string, code: string) => void;

function rangeList(properties: Properties, key: string): readonly unknown[] {
  const ranges = properties[key];
  return Array.isArray(ranges) ? ranges : [];
}

function field(range: unknown, key: string): unknown {
  return typeof range === "object" && range !== null ? (range as Properties)[key] : undefined;
}

function validatePricedRanges(properties: Properties, key: string, step: RangeStep, add: Add): void {
  const ranges = rangeList(properties, key);
  if (ranges.length === 0) {
    add(key, `missing_${key}`);
    return;
  }
  const invalidBounds = new Set(invalidRangeIndexes(ranges, step));
  for (const [index, range] of ranges.entries()) {
    if (!isValidAmount(field(range, "per_unit_amount"))) add("per_unit_amount", "invalid_amount");
    if (!isValidAmount(field(range, "flat_amount"))) add("flat_amount", "invalid_amount");
    if (invalidBounds.has(index)) add(key, `invalid_${key}`);
  }
}

function validateRateRanges(properties: Properties, add: Add): void {
  const key = "graduated_percentage_ranges";
  const ranges = rangeList(properties, key);
  if (ranges.length === 0) {
    add(key, "missing_graduated_percentage_ranges");
    return;
  }
  const invalidBounds = new Set(invalidRangeIndexes(ranges, "touching_or_next"));
  for (const [index, range] of ranges.entries()) {
    if (!isValidAmount(field(range, "flat_amount"))) add("flat_amount", "invalid_amount");
    if (!isValidAmount(field(range, "rate"))) add("rate", "invalid_rate");
    if (invalidBounds.has(index)) add(key, "invalid_graduated_percentage_ranges");
  }
}

const isInteger = (value: unknown): value is number => typeof value === "number" && Number.isInteger(value);

function validatePackage(properties: Properties, add: Add): void {
  if (!isValidAmount(properties.amount)) add("amount", "invalid_amount");
  const freeUnits = properties.free_units;
  if (!isInteger(freeUnits) || freeUnits < 0) add("free_units", "invalid_free_units");
  const size = properties.package_size;
  if (!isInteger(size) || size <= 0) add("package_size", "invalid_package_size");
}

const isNil = (value: unknown): boolean => value === undefined || value === null;

function validatePercentage(properties: Properties, add: Add): void {
  if (!isValidAmount(properties.rate)) add("rate", "invalid_rate");
  const fixed = properties.fixed_amount;
  if (!isNil(fixed) && !isValidAmount(fixed)) add("fixed_amount", "invalid_fixed_amount");
  const perEvents = properties.free_units_per_events;
  if (!isNil(perEvents) && !(isInteger(perEvents) && perEvents > 0)) {
    add("free_units_per_events", "invalid_free_units_per_events");
  }
  const perTotal = properties.free_units_per_total_aggregation;
  if (!isNil(perTotal) && !isValidAmount(perTotal)) {
    add("free_units_per_total_aggregation", "invalid_free_units_per_total_aggregation");
  }
  validateTransactionBounds(properties, add);
}

function validateTransactionBounds(properties: Properties, add: Add): void {
  const min = properties.per_transaction_min_amount;
  const max = properties.per_transaction_max_amount;
  const minValid = !isBlank(min) && isValidAmount(min);
  const maxValid = !isBlank(max) && isValidAmount(max);
  if (!isBlank(min) && !minValid) add("per_transaction_min_amount", "invalid_amount");
  if (!isBlank(max) && !maxValid) add("per_transaction_max_amount", "invalid_amount");
  if (minValid && maxValid && decimal(String(min).trim()).greaterThan(String(max).trim())) {
    add("per_transaction_max_amount", "per_transaction_max_lower_than_per_transaction_min");
  }
}

/** `pricing_group_keys` (or the deprecated `grouped_by`) must be a list of non-empty strings. */
function validatePricingGroupKeys(properties: Properties, add: Add): void {
  const key = isNil(properties.pricing_group_keys) ? "grouped_by" : "pricing_group_keys";
  const keys = properties[key];
  if (isNil(keys)) return;
  const valid =
    Array.isArray(keys) && keys.every((entry) => typeof entry === "string" && entry.trim() !== "");
  if (!valid) add(key, "invalid_type");
}
