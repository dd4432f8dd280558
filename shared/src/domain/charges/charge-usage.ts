import type Decimal from "decimal.js";
import type { ProratedEvent } from "./prorated-graduated.js";

/** What a charge is priced on: one charge window's usage (one filter / group bucket). */
export interface ChargeUsage {
  /** Aggregated units of the window, already rounded per the metric (prorated for prorated charges). */
  readonly units: Decimal;
  readonly eventsCount: number;
  /** The events' values in timestamp order (percentage needs them). */
  readonly eventValues?: readonly Decimal[];
  /** Σ of the events' precise_total_amount_cents (dynamic). */
  readonly preciseTotalAmountCents?: Decimal;
  /** Unprorated units when `units` are prorated (prorated graduated and volume). */
  readonly fullUnits?: Decimal;
  /**
   * Each event's full and prorated value, in timestamp order: what prorated graduated walks the
   * tiers with. Without them, the window is priced as one event of `fullUnits` prorated to `units`.
   */
  readonly proratedEvents?: readonly ProratedEvent[];
}
