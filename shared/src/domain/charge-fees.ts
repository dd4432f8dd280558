import type Decimal from "decimal.js";
import { aggregatedUnits, EMPTY_TOTALS, type UsageTotals } from "./usage-totals.js";
import type { BillableMetric, Charge, Plan } from "./catalog.js";
import { chargeAmount } from "./charges/charge-amount.js";
import { toMinorUnits, toPreciseMinorUnits } from "./money.js";

/** One charge's usage priced for a period: what current usage shows and an invoice bills. */
export interface ChargeFee {
  readonly charge: Charge;
  readonly metric: BillableMetric;
  readonly units: Decimal;
  readonly eventsCount: number;
  /** Unrounded, in currency units. */
  readonly amount: Decimal;
  readonly unitAmount: Decimal;
  /** Rounded once, half-up, to the currency's minor unit (LAGO-SEMANTICS.md section 9). */
  readonly amountCents: number;
  readonly preciseAmountCents: Decimal;
}

/** Prices every charge of the plan from its metric's usage in the period. */
export function priceCharges(
  plan: Pick<Plan, "charges" | "amountCurrency">,
  metrics: ReadonlyMap<string, BillableMetric>,
  usage: ReadonlyMap<string, UsageTotals>,
): ChargeFee[] {
  return plan.charges.map((charge) => {
    const metric = metrics.get(charge.billableMetricCode);
    if (!metric)
      throw new Error(`billable metric ${charge.billableMetricCode} of charge ${charge.id} is missing`);
    const totals = usage.get(metric.code) ?? EMPTY_TOTALS;
    const units = aggregatedUnits(metric, totals);
    const { amount, unitAmount } = chargeAmount(charge, units);
    return {
      charge,
      metric,
      units,
      eventsCount: totals.eventsCount,
      amount,
      unitAmount,
      amountCents: toMinorUnits(amount, plan.amountCurrency),
      preciseAmountCents: toPreciseMinorUnits(amount, plan.amountCurrency),
    };
  });
}

/** A decimal as Lago's JSON shows BigDecimals: always with a fractional part ("3.0", "0.25"). */
export function lagoDecimal(value: Decimal): string {
  const text = value.toFixed();
  return text.includes(".") ? text : `${text}.0`;
}
