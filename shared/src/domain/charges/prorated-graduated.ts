import type Decimal from "decimal.js";
import { decimal } from "../money.js";
import type { ModelResult } from "./model-result.js";
import type { PricedRange } from "./properties.js";
import { rangesAreAdjacent } from "./tiers.js";

/** One event of a recurring metric: its value, and that value prorated over the period. */
export interface ProratedEvent {
  readonly full: Decimal;
  readonly prorated: Decimal;
}

interface Tier {
  /** Cumulative usage where the tier starts (exclusive) and ends (inclusive, null = open). */
  readonly lower: Decimal;
  readonly upper: Decimal | null;
  readonly perUnitAmount: Decimal;
}

/**
 * Prorated graduated charge (recurring metric, `prorated: true`). Tiers are decided by the full,
 * unprorated running usage while the money follows the proration: each event moves the running
 * usage from `before` to `before + full`, the tiers crossed on the way are priced at their unit
 * price, and that price is scaled by the event's `prorated / full`. A removal takes units back from
 * the top tiers first, at its own proration. Flat amounts are owed for every tier the usage ever
 * reached in the period (its peak), unprorated.
 *
 * Like Lago, an addition worth nothing in the period (prorated 0) is left out, and so is a removal
 * whose addition was left out; usage that ends the period below zero costs nothing.
 */
export function proratedGraduatedAmount(
  units: Decimal,
  events: readonly ProratedEvent[],
  ranges: readonly PricedRange[],
): ModelResult {
  const unitDivisor = events.reduce((sum, event) => sum.plus(event.full), decimal(0));
  if (units.isZero()) return { amount: flatAmounts(ranges, decimal(0)), amountDetails: {}, unitDivisor };

  const tiers = toTiers(ranges);
  let usage = decimal(0);
  let peak = decimal(0);
  let amount = decimal(0);
  for (const { full, prorated } of events) {
    const leftOut =
      full.isZero() || (prorated.isZero() && (full.greaterThan(0) || usage.plus(full).isNegative()));
    if (leftOut) continue;
    amount = amount.plus(tierCost(tiers, usage, usage.plus(full)).times(prorated).dividedBy(full));
    usage = usage.plus(full);
    if (usage.greaterThan(peak)) peak = usage;
  }
  if (usage.isNegative()) return { amount: decimal(0), amountDetails: {}, unitDivisor };
  const variable = amount.isNegative() ? decimal(0) : amount;
  return { amount: variable.plus(flatAmounts(ranges, peak)), amountDetails: {}, unitDivisor };
}

/**
 * Integer-style ranges ([0–5], [6–∞]) hold whole units: the second range holds the 6th unit, i.e.
 * the usage between 5 and 6. Read as cumulative usage, a range starting at `from` begins at
 * `from − 1`; adjacent ranges already begin where the previous one ends.
 */
function toTiers(ranges: readonly PricedRange[]): Tier[] {
  const adjacent = rangesAreAdjacent(ranges);
  return ranges.map((range, index) => ({
    lower: index === 0 || adjacent ? range.fromValue : range.fromValue.minus(1),
    upper: range.toValue,
    perUnitAmount: range.perUnitAmount,
  }));
}

/** Price of the usage between two running totals: negative when the usage falls. */
function tierCost(tiers: readonly Tier[], before: Decimal, after: Decimal): Decimal {
  const low = smaller(before, after);
  const high = larger(before, after);
  const cost = tiers.reduce((sum, tier) => {
    const top = tier.upper === null ? high : smaller(high, tier.upper);
    const covered = top.minus(larger(low, tier.lower));
    return covered.greaterThan(0) ? sum.plus(covered.times(tier.perUnitAmount)) : sum;
  }, decimal(0));
  return after.greaterThanOrEqualTo(before) ? cost : cost.negated();
}

/** Flat amounts of every range up to the one holding the peak usage. */
function flatAmounts(ranges: readonly PricedRange[], peak: Decimal): Decimal {
  let total = decimal(0);
  for (const range of ranges) {
    total = total.plus(range.flatAmount);
    if (range.toValue === null || peak.lessThanOrEqualTo(range.toValue)) break;
  }
  return total;
}

function smaller(a: Decimal, b: Decimal): Decimal {
  return a.lessThan(b) ? a : b;
}

function larger(a: Decimal, b: Decimal): Decimal {
  return a.greaterThan(b) ? a : b;
}
