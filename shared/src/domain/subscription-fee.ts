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
 * started after the period began or ended before it closed (as Lago's `Fees::SubscriptionService` prorates:
 * 17/31 × 100 → 55; a termination bills through its own day). A free trial is not billed: nothing
 * if it lasts through the last billed day, else from the day it ends (Lago compares dates).
 */
export function inArrearsSubscriptionFee(
  plan: Pick<Plan, "amountCents" | "amountCurrency">,
  period: BillingPeriod,
  startedOnDate: string,
  endedOnDate: string = period.toDate,
  trialEndDate: string | null = null,
): SubscriptionFeeAmount {
  let fromDate = startedOnDate > period.fromDate ? startedOnDate : period.fromDate;
  const toDate = endedOnDate < period.toDate ? endedOnDate : period.toDate;
  if (trialEndDate && trialEndDate > fromDate) fromDate = trialEndDate;
  const coveredByTrial = trialEndDate !== null && trialEndDate >= toDate;
  const billedDays = coveredByTrial || toDate < fromDate ? 0 : daysBetweenInclusive(fromDate, toDate);
  const preciseAmountCents = decimal(plan.amountCents).times(billedDays).dividedBy(period.days);
  return {
    billedDays,
    periodDays: period.days,
    preciseAmountCents,
    amountCents: roundHalfUp(preciseAmountCents),
  };
}
