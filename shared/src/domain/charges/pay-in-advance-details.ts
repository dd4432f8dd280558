import type Decimal from "decimal.js";
import type { ChargeModel } from "../catalog.js";
import { decimal } from "../money.js";
import { lagoDecimalString } from "./details.js";

type Details = Readonly<Record<string, unknown>>;

const PERCENTAGE_DELTA_KEYS = [
  "units",
  "paid_units",
  "free_events",
  "paid_events",
  "fixed_fee_total_amount",
  "min_max_adjustment_total_amount",
  "per_unit_total_amount",
] as const;

/**
 * The `amount_details` of a pay-in-advance fee: what the event changed. Lago only details the
 * percentage models this way; the other models' in-advance fees carry no details.
 */
export function advanceAmountDetails(model: ChargeModel, after: Details, before: Details): Details {
  if (model === "percentage") return percentageDelta(after, before);
  if (model === "graduated_percentage") return graduatedPercentageDelta(after, before);
  return {};
}

function numberOf(value: unknown): Decimal {
  return typeof value === "string" || typeof value === "number" ? decimal(value) : decimal(0);
}

function percentageDelta(after: Details, before: Details): Details {
  const delta: Record<string, unknown> = {
    rate: after.rate,
    fixed_fee_unit_amount: after.fixed_fee_unit_amount,
  };
  for (const key of PERCENTAGE_DELTA_KEYS) {
    delta[key] = lagoDecimalString(numberOf(after[key]).minus(numberOf(before[key])));
  }
  // The free units of "before" are not measured without the event, so they are derived instead.
  delta.free_units = lagoDecimalString(numberOf(delta.units).minus(numberOf(delta.paid_units)));
  return delta;
}

function rangesOf(details: Details): readonly Details[] {
  const ranges = details.graduated_percentage_ranges;
  return Array.isArray(ranges) ? (ranges as Details[]) : [];
}

function graduatedPercentageDelta(after: Details, before: Details): Details {
  const beforeRanges = rangesOf(before);
  const ranges = rangesOf(after).map((range) => {
    const previous =
      beforeRanges.find((r) => r.from_value === range.from_value && r.to_value === range.to_value) ?? {};
    const total = numberOf(range.total_with_flat_amount).minus(numberOf(previous.total_with_flat_amount));
    const units = numberOf(range.units).minus(numberOf(previous.units));
    return {
      from_value: range.from_value,
      to_value: range.to_value,
      flat_unit_amount: lagoDecimalString(
        numberOf(range.flat_unit_amount).minus(numberOf(previous.flat_unit_amount)),
      ),
      rate: range.rate,
      units: lagoDecimalString(units),
      // Lago shows the range's average price per unit of the event here, to the cent.
      per_unit_total_amount: units.greaterThan(0)
        ? lagoDecimalString(total.dividedBy(units).toDecimalPlaces(2))
        : "0",
      total_with_flat_amount: lagoDecimalString(total),
    };
  });
  return { graduated_percentage_ranges: ranges };
}
