import type Decimal from "decimal.js";
import { decimal, roundHalfUp } from "../money.js";

/** What a charge's true-up fee bills: the shortfall of its fees below the prorated spending minimum. */
export interface ChargeMinimumTrueUp {
  /** The charge's minimum for the billed days, unrounded, in minor units. */
  readonly proratedMinimumCents: Decimal;
  /** The shortfall from the fees' rounded amounts, rounded half-up to a minor unit. */
  readonly amountCents: number;
  /** The shortfall from the fees' unrounded amounts, in minor units. */
  readonly preciseAmountCents: Decimal;
}

export interface ChargeMinimumInput {
  /** The charge's `min_amount_cents` for a whole period. */
  readonly minAmountCents: number;
  /** Local days of the period the charge is billed for (its usage window's days). */
  readonly billedDays: number;
  /** Days in the whole period. */
  readonly periodDays: number;
  /** Every fee of the charge in the period: each filter's, the default bucket's, each pricing group's. */
  readonly fees: readonly { readonly amountCents: number; readonly preciseAmountCents: Decimal.Value }[];
}

/**
 * A charge's spending minimum, as Lago's `Fees::CreateTrueUpService` bills it: the minimum is
 * prorated by the days billed (min × billed days ÷ period days, when the subscription started or
 * ended inside the period), compared with the sum of all the charge's fees (over its filters and
 * pricing groups); when they fall short, one true-up fee bills the difference. Null when the
 * charge has no minimum or its fees reach it.
 */
export function chargeMinimumTrueUp(input: ChargeMinimumInput): ChargeMinimumTrueUp | null {
  if (input.minAmountCents <= 0 || input.billedDays <= 0 || input.periodDays <= 0) return null;
  const proratedMinimumCents = decimal(input.minAmountCents)
    .times(input.billedDays)
    .dividedBy(input.periodDays);
  const used = input.fees.reduce((sum, fee) => sum + fee.amountCents, 0);
  if (proratedMinimumCents.lessThanOrEqualTo(used)) return null;
  const usedPrecise = input.fees.reduce((sum, fee) => sum.plus(fee.preciseAmountCents), decimal(0));
  return {
    proratedMinimumCents,
    amountCents: roundHalfUp(proratedMinimumCents.minus(used)),
    preciseAmountCents: proratedMinimumCents.minus(usedPrecise),
  };
}
