/**
 * What a pay-in-advance charge has billed so far in one period (one charge filter bucket, one
 * pricing group), and the step one event takes it by: the usage before and after the event that
 * `payInAdvanceFee` prices. Each fee is model(after) − model(before), and each step's "after" is
 * the next one's "before", so the fees of a period add up to the model of its final usage
 * whatever order the events were billed in. Pure: the state is stored by its caller.
 */
import type Decimal from "decimal.js";
import { numericProperty, propertyText } from "../aggregation/property-values.js";
import type { BillableMetric, Charge } from "../catalog.js";
import { decimal } from "../money.js";
import type { UsageEvent } from "../usage-event.js";
import type { ChargeUsage } from "./charge-usage.js";
import { type PayInAdvanceFee, payInAdvanceFee } from "./pay-in-advance.js";
import { sumPayInAdvanceStep } from "./sum-pay-in-advance.js";

/** Stored as plain data (decimal strings), so it goes to DynamoDB and back unchanged. */
export interface AdvanceUsageState {
  /** Units billed so far: a count, a sum's running maximum billed, a number of distinct values. */
  readonly units: string;
  readonly eventsCount: number;
  /** sum_agg: the running sum and the highest running sum billed (`sumPayInAdvanceStep`). */
  readonly currentAggregation?: string;
  readonly maxAggregation?: string;
  /** unique_count_agg: the distinct values billed. */
  readonly uniqueValues?: readonly string[];
  /** percentage: each event's value, in billing order (its free allowance counts events). */
  readonly eventValues?: readonly string[];
  /** dynamic: Σ precise_total_amount_cents. */
  readonly preciseTotalAmountCents?: string;
}

export const EMPTY_ADVANCE_USAGE: AdvanceUsageState = { units: "0", eventsCount: 0 };

/** The aggregations a pay-in-advance charge may use (Lago refuses the others on such charges). */
export const ADVANCE_AGGREGATIONS = ["count_agg", "sum_agg", "unique_count_agg"] as const;

export function billsInAdvance(metric: Pick<BillableMetric, "aggregationType">): boolean {
  return (ADVANCE_AGGREGATIONS as readonly string[]).includes(metric.aggregationType);
}

export interface AdvanceStep {
  readonly fee: PayInAdvanceFee;
  readonly next: AdvanceUsageState;
}

type AdvanceEvent = Pick<UsageEvent, "properties" | "preciseTotalAmountCents">;

function usageOf(state: AdvanceUsageState, units: Decimal): ChargeUsage {
  return {
    units,
    eventsCount: state.eventsCount,
    ...(state.eventValues ? { eventValues: state.eventValues.map((value) => decimal(value)) } : {}),
    ...(state.preciseTotalAmountCents !== undefined
      ? { preciseTotalAmountCents: decimal(state.preciseTotalAmountCents) }
      : {}),
  };
}

/** The event's value for the metric: 1 for a count, its field's number (absent: 0) for a sum. */
function eventValue(
  metric: Pick<BillableMetric, "aggregationType" | "fieldName">,
  event: AdvanceEvent,
): Decimal {
  if (metric.aggregationType !== "sum_agg") return decimal(1);
  return numericProperty(event.properties[metric.fieldName ?? ""]) ?? decimal(0);
}

/**
 * Prices one event of a pay-in-advance charge after `state` (the period's usage already billed) and
 * gives the state after it. `properties` are the bucket's (the matched filter's, else the charge's).
 */
export function advanceStep(
  charge: Pick<Charge, "chargeModel">,
  properties: Readonly<Record<string, unknown>>,
  metric: Pick<BillableMetric, "aggregationType" | "fieldName">,
  state: AdvanceUsageState,
  event: AdvanceEvent,
  currency: string,
): AdvanceStep {
  const priced = { chargeModel: charge.chargeModel, properties };
  const value = eventValue(metric, event);
  const keepsValues = charge.chargeModel === "percentage";
  const before = decimal(state.units);
  let units = before.plus(value);
  let feeUnits: Decimal | undefined;
  let next: AdvanceUsageState = { ...state, eventsCount: state.eventsCount + 1 };

  if (metric.aggregationType === "sum_agg") {
    const previous =
      state.currentAggregation === undefined
        ? null
        : {
            currentAggregation: decimal(state.currentAggregation),
            maxAggregation: decimal(state.maxAggregation ?? state.currentAggregation),
          };
    const step = sumPayInAdvanceStep(previous, value);
    units = before.plus(step.billedUnits);
    feeUnits = step.feeUnits;
    next = {
      ...next,
      currentAggregation: step.state.currentAggregation.toFixed(),
      maxAggregation: step.state.maxAggregation.toFixed(),
    };
  } else if (metric.aggregationType === "unique_count_agg") {
    const text = propertyText(event.properties[metric.fieldName ?? ""]);
    const seen = state.uniqueValues ?? [];
    const fresh = text !== null && !seen.includes(text);
    units = fresh ? before.plus(1) : before;
    next = { ...next, uniqueValues: fresh ? [...seen, text] : seen };
  }
  next = {
    ...next,
    units: units.toFixed(),
    ...(keepsValues ? { eventValues: [...(state.eventValues ?? []), value.toFixed()] } : {}),
    ...(charge.chargeModel === "dynamic"
      ? {
          preciseTotalAmountCents: decimal(state.preciseTotalAmountCents ?? 0)
            .plus(decimal(event.preciseTotalAmountCents ?? 0))
            .toFixed(),
        }
      : {}),
  };
  const fee = payInAdvanceFee(
    priced,
    usageOf(state, before),
    usageOf(next, units),
    currency,
    feeUnits ? { feeUnits } : {},
  );
  return { fee, next };
}
