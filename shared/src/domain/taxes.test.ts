import { describe, expect, it } from "vitest";
import type { Tax } from "./catalog.js";
import { applicableTaxCodes, feeTaxes, invoiceTaxes } from "./taxes.js";

const tax = (code: string, rate: string, appliedToOrganization = false): Tax => ({
  id: code,
  organizationId: "o",
  name: code,
  code,
  description: null,
  rate,
  appliedToOrganization,
  createdAt: "2024-01-01T00:00:00.000Z",
});

describe("taxes", () => {
  it("apply the charge's, else the plan's, else the customer's, else the organization's", () => {
    const organizationTaxes = [tax("org", "5", true), tax("other", "1")];
    const pick = (charge: string[] | null, plan: string[], customer: string[]) =>
      applicableTaxCodes({
        chargeTaxCodes: charge,
        plan: { taxCodes: plan },
        customer: { taxCodes: customer },
        organizationTaxes,
      });
    expect(pick(["c"], ["p"], ["u"])).toEqual(["c"]);
    expect(pick([], ["p"], ["u"])).toEqual(["p"]);
    expect(pick(null, [], ["u"])).toEqual(["u"]);
    expect(pick(null, [], [])).toEqual(["org"]);
  });

  it("compute Lago's credit_note_spec invoice: 179 at 10 %, 149 at 10 % + 10 % → 47.70, rate 14.54268", () => {
    const taxes = new Map([
      ["vat", tax("vat", "10")],
      ["extra", tax("extra", "10")],
    ]);
    const fees = [
      { amountCents: 17_900, taxCodes: ["vat"] },
      { amountCents: 14_900, taxCodes: ["vat", "extra"] },
    ];
    const result = invoiceTaxes(fees, taxes);
    expect(result.amountCents).toBe(4_770);
    expect(result.rate).toBe("14.54268");
    expect(result.applied.map((a) => [a.tax.code, a.baseAmountCents, a.amountCents])).toEqual([
      ["vat", 32_800, 3_280],
      ["extra", 14_900, 1_490],
    ]);
    expect(feeTaxes(fees[1] as (typeof fees)[number], taxes)).toEqual({ amountCents: 2_980, rate: "20" });
  });

  it("round once per tax, not once per fee", () => {
    const taxes = new Map([["t", tax("t", "8.875")]]);
    // 3 × 1 cent at 8.875 % is 0.266 cents: 0 per fee, 0 in all; 3 × 20 cents is 5.325 → 5.
    expect(
      invoiceTaxes(
        [1, 1, 1].map((amountCents) => ({ amountCents, taxCodes: ["t"] })),
        taxes,
      ).amountCents,
    ).toBe(0);
    expect(
      invoiceTaxes(
        [20, 20, 20].map((amountCents) => ({ amountCents, taxCodes: ["t"] })),
        taxes,
      ).amountCents,
    ).toBe(5);
  });
});
