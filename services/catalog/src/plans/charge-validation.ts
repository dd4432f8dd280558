import type { BillableMetric, ChargeModel } from "#shared/domain/catalog.js";
import { lagoErrorDetails, validateCharge } from "#shared/domain/charges/validation/validate-charge.js";

export interface ChargeRulesInput {
  readonly chargeModel: ChargeModel;
  readonly properties: Readonly<Record<string, unknown>>;
  readonly payInAdvance: boolean;
  readonly invoiceable: boolean;
  readonly prorated: boolean;
  readonly minAmountCents: number;
  readonly regroupPaidFees?: string | null;
}

export type ChargeRulesResult =
  | { readonly ok: true; readonly properties: Readonly<Record<string, unknown>> }
  | { readonly ok: false; readonly errors: Record<string, string[]> };

/**
 * Lago's rules for a charge's model, properties and flags given the metric it prices, with the
 * error keys Lago's API answers with (`properties`, `pay_in_advance`, …).
 */
export function checkCharge(
  input: ChargeRulesInput,
  metric: Pick<BillableMetric, "aggregationType" | "recurring">,
): ChargeRulesResult {
  const result = validateCharge(input, metric);
  return result.ok
    ? { ok: true, properties: result.properties }
    : { ok: false, errors: lagoErrorDetails(result.errors) };
}
