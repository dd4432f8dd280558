import type { ChargeModel } from "../../catalog.js";

type Properties = Record<string, unknown>;

/** The properties each model keeps; Lago drops every other key when a charge is saved. */
const MODEL_KEYS: Readonly<Record<ChargeModel, readonly string[]>> = {
  standard: ["amount"],
  graduated: ["graduated_ranges"],
  graduated_percentage: ["graduated_percentage_ranges"],
  package: ["amount", "free_units", "package_size"],
  percentage: [
    "fixed_amount",
    "free_units_per_events",
    "free_units_per_total_aggregation",
    "per_transaction_max_amount",
    "per_transaction_min_amount",
    "rate",
  ],
  volume: ["volume_ranges"],
  dynamic: [],
};

/** What a charge created without properties gets (Lago's defaults: a free charge). */
export function defaultProperties(model: ChargeModel): Properties {
  const openRange = { from_value: 0, to_value: null, per_unit_amount: "0", flat_amount: "0" };
  switch (model) {
    case "standard":
      return { amount: "0" };
    case "graduated":
      return { graduated_ranges: [openRange] };
    case "graduated_percentage":
      return {
        graduated_percentage_ranges: [
          { from_value: 0, to_value: null, rate: "0", fixed_amount: "0", flat_amount: "0" },
        ],
      };
    case "package":
      return { package_size: 1, amount: "0", free_units: 0 };
    case "percentage":
      return { rate: "0" };
    case "volume":
      return { volume_ranges: [openRange] };
    case "dynamic":
      return {};
  }
}

const isPresent = (value: unknown): boolean =>
  value !== undefined &&
  value !== null &&
  !(typeof value === "string" && value.trim() === "") &&
  !(Array.isArray(value) && value.length === 0);

/** Empty keys are dropped from a list of group keys, as Lago does before validating it. */
function withoutEmptyKeys(keys: unknown): unknown {
  return Array.isArray(keys) ? keys.filter((key) => key !== "") : keys;
}

/**
 * Properties as Lago stores them: the model's defaults when none are given, otherwise only the
 * model's own keys (values kept as sent: decimal strings for money, integers for counts) plus the
 * pricing group keys.
 */
export function normalizeProperties(
  model: ChargeModel,
  raw: Readonly<Properties> | null | undefined,
): Properties {
  if (!raw || Object.keys(raw).length === 0) return defaultProperties(model);
  const kept: Properties = {};
  for (const key of MODEL_KEYS[model]) {
    if (key in raw) kept[key] = raw[key];
  }
  if (isPresent(raw.pricing_group_keys)) {
    kept.pricing_group_keys = withoutEmptyKeys(raw.pricing_group_keys);
  } else if (isPresent(raw.grouped_by)) {
    kept.grouped_by = withoutEmptyKeys(raw.grouped_by);
  }
  return kept;
}
