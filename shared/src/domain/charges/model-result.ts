import type Decimal from "decimal.js";

/** What one charge model computes from a window's usage, before the fee-level clamps. */
export interface ModelResult {
  /** In currency units, unrounded. */
  readonly amount: Decimal;
  /** Lago's `amount_details` for the model, JSON-ready (decimals as strings, counts as numbers). */
  readonly amountDetails: Readonly<Record<string, unknown>>;
  /**
   * What the unit amount divides by when it is not the default (the unprorated units): package
   * divides by the paid units only.
   */
  readonly unitDivisor?: Decimal;
}
