import type Decimal from "decimal.js";
import { decimal, roundHalfUp } from "../money.js";
import { type BillingPeriod, daysBetweenInclusive, plusDays } from "../periods.js";

/**
 * The part of a base fee paid in advance that a subscription ended before using: the days after
 * its termination day to the period's end (from the termination day itself on an upgrade, which
 * bills the new plan from that day), at the plan's price of a day, never more than the fee paid.
 * The credit note giving it back is made from this (Lago's `CreditNotes::CreateFromTermination`:
 * February 2023, 5000 a month, ended on the 8th: 20 days, 3571.43 before taxes).
 */
export interface UnusedAdvanceFee {
  readonly unusedDays: number;
  readonly periodDays: number;
  /** Unrounded, in minor units, before taxes. */
  readonly preciseAmountCents: Decimal;
  readonly amountCents: number;
}

export function unusedAdvanceFee(input: {
  /** The plan's amount the fee was billed at (its `plan_amount_cents`). */
  readonly planAmountCents: number;
  /** What the fee paid for the period came to. */
  readonly feeAmountCents: number;
  readonly period: BillingPeriod;
  /** Local day of the termination. */
  readonly terminatedOnDate: string;
  readonly upgrade: boolean;
  /** Local day a free trial ends on, if the plan has one. */
  readonly trialEndDate: string | null;
}): UnusedAdvanceFee | null {
  const { period } = input;
  // The last day used: the termination day (an upgrade's day is the new plan's).
  let lastUsed = input.upgrade ? plusDays(input.terminatedOnDate, -1) : input.terminatedOnDate;
  // Days still in trial were never paid for.
  if (input.trialEndDate && input.trialEndDate >= lastUsed)
    lastUsed = input.trialEndDate > period.toDate ? period.toDate : plusDays(input.trialEndDate, -1);
  const unusedDays = lastUsed >= period.toDate ? 0 : daysBetweenInclusive(lastUsed, period.toDate) - 1;
  if (unusedDays <= 0 || input.feeAmountCents <= 0) return null;
  const unused = decimal(input.planAmountCents).times(unusedDays).dividedBy(period.days);
  const preciseAmountCents = unused.greaterThan(input.feeAmountCents)
    ? decimal(input.feeAmountCents)
    : unused;
  return {
    unusedDays,
    periodDays: period.days,
    preciseAmountCents,
    amountCents: roundHalfUp(preciseAmountCents),
  };
}
