import { describe, expect, it } from "vitest";
import { serializeTax, serializeTaxWithBillingEntities } from "./tax.js";
import { organization, vat } from "./test-fixtures.js";

describe("tax serializer", () => {
  it("shows the rate as a number and Lago's zero counts, without billing entities when embedded", () => {
    expect(serializeTax(vat)).toEqual({
      lago_id: vat.id,
      name: "VAT",
      code: "vat",
      description: "French VAT",
      rate: 20,
      applied_to_organization: true,
      add_ons_count: 0,
      customers_count: 0,
      plans_count: 0,
      charges_count: 0,
      commitments_count: 0,
      created_at: vat.createdAt,
    });
  });

  it("names the billing entity a tax of the organization applies to, in the taxes API", () => {
    expect(serializeTaxWithBillingEntities(vat, organization).applied_to_billing_entities_codes).toEqual([
      "societe_generale_d_energie",
    ]);
    const optional = { ...vat, appliedToOrganization: false };
    expect(serializeTaxWithBillingEntities(optional, organization).applied_to_billing_entities_codes).toEqual(
      [],
    );
  });
});
