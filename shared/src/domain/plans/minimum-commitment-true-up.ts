import Decimal from "decimal.js";
import { decimal } from "../money.js";

/** What a plan's minimum commitment bills: the shortfall of the period's fees below the commitment. */
export interface MinimumCommitmentTrueUp {
  /** The commitment for the days billed, rounded to a minor unit (half to even, as Lago's Money). */
  readonly commitmentAmountCents: number;
  /** The commitment less the fees' rounded amounts. */
  readonly amountCents: number;
  /** The commitment less the fees' unrounded amounts, in minor units. */
  readonly preciseAmountCents: Decimal;
}

export interface MinimumCommitmentInput {
  /** The commitment's `amount_cents` for a whole commitment period. */
  readonly commitmentAmountCents: number;
  /** Local days of the commitment period the subscription is billed for: from its start, to its termination. */
  readonly billedDays: number;
  /** Days in the whole commitment period (for an in-arrears plan, its billing period). */
  readonly periodDays: number;
  /** The base fee and every charge fee (true-ups included) of the commitment period. */
  readonly fees: readonly { readonly amountCents: number; readonly preciseAmountCents: Decimal.Value }[];
}

/**
 * A plan's minimum commitment, as Lago's `Commitments::Minimum::CalculateTrueUpFeeService` bills
 * it in arrears: the commitment is prorated by the days of the commitment period the subscription
 * covers (its first period from its start, its last to its termination) and rounded to a minor
 * unit; when the base fee and charge fees of the period fall short of it, a `commitment` fee bills
 * the difference. Null when there is no shortfall (Lago makes no zero commitment fee).
 */
export function minimumCommitmentTrueUp(input: MinimumCommitmentInput): MinimumCommitmentTrueUp | null {
  if (input.commitmentAmountCents <= 0 || input.billedDays <= 0 || input.periodDays <= 0) return null;
  // Lago makes the prorated commitment a Money from cents, which rounds half to even.
  const commitmentAmountCents = decimal(input.commitmentAmountCents)
    .times(input.billedDays)
    .dividedBy(input.periodDays)
    .toDecimalPlaces(0, Decimal.ROUND_HALF_EVEN)
    .toNumber();
  const used = input.fees.reduce((sum, fee) => sum + fee.amountCents, 0);
  if (used >= commitmentAmountCents) return null;
  const usedPrecise = input.fees.reduce((sum, fee) => sum.plus(fee.preciseAmountCents), decimal(0));
  const precise = decimal(commitmentAmountCents).minus(usedPrecise);
  return {
    commitmentAmountCents,
    amountCents: commitmentAmountCents - used,
    preciseAmountCents: precise.isNegative() ? decimal(0) : precise,
  };
}
