import type Decimal from "decimal.js";
import type { Plan } from "./catalog.js";
import { decimal, roundHalfUp } from "./money.js";
import { type BillingPeriod, daysBetweenInclusive } from "./periods.js";

export interface SubscriptionFeeAmount {
  /** Local days billed, and the period's length in days. */
  readonly billedDays: number;
  readonly periodDays: number;
  /** amount_cents × billedDays / periodDays, unrounded, in minor units. */
  readonly preciseAmountCents: Decimal;
  readonly amountCents: number;
}

/**
 * The base fee of an in-arrears plan for a period, prorated by local days when the subscription
 * started after the period began (LAGO-SEMANTICS.md section 4: 17/31 × 100 → 55).
 */
export function inArrearsSubscriptionFee(
  plan: Pick<Plan, "amountCents" | "amountCurrency">,
  period: BillingPeriod,
  startedOnDate: string,
): SubscriptionFeeAmount {
  const fromDate = startedOnDate > period.fromDate ? startedOnDate : period.fromDate;
  const billedDays = Math.max(0, daysBetweenInclusive(fromDate, period.toDate));
  const preciseAmountCents = decimal(plan.amountCents).times(billedDays).dividedBy(period.days);
  return {
    billedDays,
    periodDays: period.days,
    preciseAmountCents,
    amountCents: roundHalfUp(preciseAmountCents),
  };
}
