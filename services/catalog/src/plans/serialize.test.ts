import { describe, expect, it } from "vitest";
import { stableUuid } from "#shared/platform/ids.js";
import { plan, requestsCharge, requestsMetric, vat } from "#shared/serializers/test-fixtures.js";
import { serializePlan } from "./serialize.js";

describe("plan serializer", () => {
  it("shows charges with their filters, group keys under both of Lago's names, and null codes", () => {
    const [charge] = serializePlan(plan, [vat]).charges;
    expect(charge).toMatchObject({
      lago_id: requestsCharge.id,
      lago_billable_metric_id: requestsMetric.id,
      billable_metric_code: "requests",
      code: null,
      regroup_paid_fees: null,
      accepts_target_wallet: false,
      applied_pricing_unit: null,
      lago_parent_id: null,
      properties: { amount: "0.001", grouped_by: ["team"], pricing_group_keys: ["team"] },
      taxes: [],
    });
    expect(charge?.filters).toEqual([
      {
        lago_id: requestsCharge.filters[0]?.id,
        charge_code: null,
        invoice_display_name: null,
        properties: { amount: "0.002" },
        values: { region: ["eu"], tier: ["__ALL_FILTER_VALUES__"] },
      },
    ]);
  });

  it("shows the minimum commitment with an id of its own, and empty lists for what the product lacks", () => {
    const shown = serializePlan(plan, [vat]);
    expect(shown.minimum_commitment).toEqual({
      lago_id: stableUuid(plan.id, "minimum_commitment"),
      plan_code: "startup",
      amount_cents: 50_000,
      invoice_display_name: "Commitment",
      interval: "monthly",
      created_at: plan.createdAt,
      updated_at: plan.createdAt,
      taxes: [expect.objectContaining({ code: "vat", rate: 20 })],
    });
    // A monthly plan cannot bill charges monthly: Lago keeps nothing for either flag.
    expect(shown).toMatchObject({
      amount_currency: "EUR",
      bill_charges_monthly: null,
      bill_fixed_charges_monthly: null,
      fixed_charges: [],
      entitlements: [],
      usage_thresholds: [],
      metadata: null,
      customers_count: 0,
      pending_deletion: false,
    });
    expect(serializePlan({ ...plan, minimumCommitment: null }).minimum_commitment).toBeNull();
    expect(serializePlan({ ...plan, interval: "yearly", billChargesMonthly: true })).toMatchObject({
      bill_charges_monthly: true,
      bill_fixed_charges_monthly: false,
    });
  });

  it("shows a subscription's child plan with its parent, and each copied charge with the charge it copies", () => {
    const child = {
      ...plan,
      id: "91a40000-0000-4000-8000-0000000000c1",
      parentId: plan.id,
      charges: [
        { ...requestsCharge, id: "c0ffee00-0000-4000-8000-0000000000c1", parentId: requestsCharge.id },
      ],
    };
    const shown = serializePlan(child, [vat]);
    expect(shown).toMatchObject({ lago_id: child.id, parent_id: plan.id, code: "startup" });
    expect(shown.charges[0]?.lago_parent_id).toBe(requestsCharge.id);
    expect(serializePlan(plan).parent_id).toBeNull();
  });
});
