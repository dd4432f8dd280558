import type { Customer, Plan, Tax } from "./catalog.js";
import { decimal, roundHalfUp } from "./money.js";

/**
 * Which taxes apply to a fee, as Lago decides: the charge's own
 * taxes, else the plan's, else the customer's, else the organization's default taxes.
 */
export function applicableTaxCodes(input: {
  readonly chargeTaxCodes: readonly string[] | null;
  readonly plan: Pick<Plan, "taxCodes">;
  readonly customer: Pick<Customer, "taxCodes">;
  readonly organizationTaxes: readonly Pick<Tax, "code" | "appliedToOrganization">[];
}): string[] {
  if (input.chargeTaxCodes?.length) return [...input.chargeTaxCodes];
  if (input.plan.taxCodes.length) return [...input.plan.taxCodes];
  if (input.customer.taxCodes.length) return [...input.customer.taxCodes];
  return input.organizationTaxes.filter((tax) => tax.appliedToOrganization).map((tax) => tax.code);
}

export interface TaxedAmount {
  readonly amountCents: number;
  readonly taxCodes: readonly string[];
}

export interface AppliedTax {
  readonly tax: Tax;
  /** What the tax is computed on: the amounts of the fees it applies to. */
  readonly baseAmountCents: number;
  readonly amountCents: number;
}

/** A fee's own taxes: the sum of its rates on its amount, rounded once. */
export function feeTaxes(
  fee: TaxedAmount,
  taxes: ReadonlyMap<string, Tax>,
): { amountCents: number; rate: string } {
  const rate = fee.taxCodes.reduce((sum, code) => sum.plus(taxes.get(code)?.rate ?? 0), decimal(0));
  return { amountCents: roundHalfUp(rate.times(fee.amountCents).dividedBy(100)), rate: rate.toString() };
}

/**
 * An invoice's taxes: per tax, its rate on the summed amounts of the fees it applies to, rounded
 * once per tax; the invoice's tax is their sum, and its rate the resulting average.
 */
export function invoiceTaxes(
  fees: readonly TaxedAmount[],
  taxes: ReadonlyMap<string, Tax>,
): { applied: AppliedTax[]; amountCents: number; rate: string } {
  const bases = new Map<string, number>();
  for (const fee of fees) {
    for (const code of new Set(fee.taxCodes)) bases.set(code, (bases.get(code) ?? 0) + fee.amountCents);
  }
  const applied: AppliedTax[] = [];
  for (const [code, baseAmountCents] of bases) {
    const tax = taxes.get(code);
    if (!tax) continue;
    applied.push({
      tax,
      baseAmountCents,
      amountCents: roundHalfUp(decimal(tax.rate).times(baseAmountCents).dividedBy(100)),
    });
  }
  const amountCents = applied.reduce((sum, entry) => sum + entry.amountCents, 0);
  const base = fees.reduce((sum, fee) => sum + fee.amountCents, 0);
  const rate =
    base === 0 ? "0" : decimal(amountCents).times(100).dividedBy(base).toDecimalPlaces(5).toString();
  return { applied, amountCents, rate };
}
