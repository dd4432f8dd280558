import { describe, expect, it } from "vitest";
import type { Charge, Plan } from "#shared/domain/catalog.js";
import type { LagoHttpError } from "#shared/platform/http/errors.js";
import { plan, requestsCharge } from "#shared/serializers/test-fixtures.js";
import { childPlanId, mergePlanOverrides } from "./merge-plan-overrides.js";
import { planOverrides } from "./plan-overrides-input.js";

const NOW = "2026-03-01T10:00:00.000Z";
const LATER = "2026-03-05T10:00:00.000Z";
const storageCharge: Charge = {
  ...requestsCharge,
  id: "c0ffee00-0000-4000-8000-000000000002",
  properties: { amount: "5" },
  filters: [],
  minAmountCents: 1_000,
  taxCodes: ["vat"],
};
const parent: Plan = { ...plan, charges: [requestsCharge, storageCharge] };
const childId = childPlanId("5ab50000-0000-4000-8000-000000000001", parent.id);

const merge = (base: Plan, overrides: unknown, now = NOW) =>
  mergePlanOverrides(base, planOverrides.parse(overrides), childId, now);

function refusal(run: () => unknown): LagoHttpError {
  try {
    run();
  } catch (error) {
    return error as LagoHttpError;
  }
  throw new Error("expected a refusal");
}

describe("plan overrides merged into a child plan", () => {
  it("copies the parent under a new id, keeping its code and what the overrides do not name", () => {
    const { plan: child, overriddenCharges } = merge(parent, {});
    expect(child).toMatchObject({
      id: childId,
      parentId: parent.id,
      code: "startup",
      interval: "monthly",
      amountCents: 10_000,
      amountCurrency: "EUR",
      description: "For starters",
      taxCodes: ["vat"],
      minimumCommitment: parent.minimumCommitment,
      createdAt: NOW,
    });
    expect([...overriddenCharges]).toEqual([]);
    // Every charge copied with an id of its own, naming the parent's charge it copies.
    expect(child.charges.map((charge) => charge.parentId)).toEqual([requestsCharge.id, storageCharge.id]);
    expect(child.charges.map((charge) => charge.id)).not.toContain(requestsCharge.id);
    expect(child.charges[0]?.properties).toEqual(requestsCharge.properties);
    expect(child.charges[0]?.filters[0]?.values).toEqual(requestsCharge.filters[0]?.values);
    expect(child.charges[0]?.filters[0]?.id).not.toBe(requestsCharge.filters[0]?.id);
  });

  it("gives a retry of the same request the same child, charges and filters included", () => {
    expect(merge(parent, { amount_cents: 1 })).toEqual(merge(parent, { amount_cents: 1 }));
    expect(childPlanId("s1", parent.id)).not.toBe(childPlanId("s1", "another plan"));
  });

  it("replaces the plan's fields it names, null clearing a description or display name", () => {
    const { plan: child } = merge(parent, {
      amount_cents: 25_000,
      amount_currency: "USD",
      name: "Startup (negotiated)",
      description: null,
      invoice_display_name: "Startup, negotiated",
      trial_period: 14.5,
      tax_codes: ["reduced", "reduced"],
    });
    expect(child).toMatchObject({
      amountCents: 25_000,
      amountCurrency: "USD",
      name: "Startup (negotiated)",
      description: null,
      invoiceDisplayName: "Startup, negotiated",
      trialPeriodDays: 14.5,
      taxCodes: ["reduced"],
    });
  });

  it("overrides the minimum commitment field by field; null or empty leaves it as it is", () => {
    expect(merge(parent, { minimum_commitment: { amount_cents: 70_000 } }).plan.minimumCommitment).toEqual({
      amountCents: 70_000,
      invoiceDisplayName: "Commitment",
      taxCodes: ["vat"],
    });
    expect(merge(parent, { minimum_commitment: null }).plan.minimumCommitment).toEqual(
      parent.minimumCommitment,
    );
    expect(merge(parent, { minimum_commitment: {} }).plan.minimumCommitment).toEqual(
      parent.minimumCommitment,
    );
    const withoutCommitment = { ...parent, minimumCommitment: null };
    expect(
      merge(withoutCommitment, { minimum_commitment: { amount_cents: 900, tax_codes: [] } }).plan
        .minimumCommitment,
    ).toEqual({ amountCents: 900, invoiceDisplayName: null, taxCodes: [] });
    const missing = refusal(() =>
      merge(withoutCommitment, { minimum_commitment: { invoice_display_name: "x" } }),
    );
    expect(missing.status).toBe(422);
    expect(missing.body.error_details).toEqual({ "minimum_commitment.amount_cents": ["value_is_mandatory"] });
  });

  it("matches charges by id and replaces only what each names", () => {
    const { plan: child, overriddenCharges } = merge(parent, {
      charges: [{ id: storageCharge.id, properties: { amount: "3.5" }, tax_codes: [] }],
    });
    const [requests, storage] = child.charges;
    expect([...overriddenCharges]).toEqual([[storage?.id, 0]]);
    expect(storage).toMatchObject({
      parentId: storageCharge.id,
      properties: { amount: "3.5" },
      minAmountCents: 1_000,
      invoiceDisplayName: "API requests",
      taxCodes: [],
      chargeModel: "standard",
    });
    expect(requests?.properties).toEqual(requestsCharge.properties);
  });

  it("replaces a charge's filters as a whole when filters are given, and keeps them otherwise", () => {
    const replaced = merge(parent, {
      charges: [
        {
          id: requestsCharge.id,
          filters: [
            { values: { region: ["us"] }, properties: { amount: "0.5" }, invoice_display_name: "US" },
          ],
        },
      ],
    }).plan.charges[0];
    expect(replaced?.filters).toEqual([
      {
        id: expect.any(String),
        invoiceDisplayName: "US",
        properties: { amount: "0.5" },
        values: { region: ["us"] },
      },
    ]);
    const cleared = merge(parent, { charges: [{ id: requestsCharge.id, filters: [] }] }).plan.charges[0];
    expect(cleared?.filters).toEqual([]);
    const kept = merge(parent, { charges: [{ id: requestsCharge.id, min_amount_cents: 10 }] }).plan
      .charges[0];
    expect(kept).toMatchObject({ minAmountCents: 10, filters: [{ properties: { amount: "0.002" } }] });
  });

  it("refuses a charge override naming no charge of the plan, with its position", () => {
    const error = refusal(() =>
      merge(parent, { charges: [{ id: storageCharge.id }, { id: "c0ffee00-0000-4000-8000-00000000dead" }] }),
    );
    expect(error.status).toBe(422);
    expect(error.body.error_details).toEqual({ "charges.1.id": ["charge_not_found"] });
  });

  it("changes a child plan in place: same id and parent, charges named by their own or the parent's id", () => {
    const first = merge(parent, { amount_cents: 20_000 }).plan;
    const ownId = first.charges[1]?.id ?? "";
    const again = mergePlanOverrides(
      first,
      planOverrides.parse({ charges: [{ id: ownId, properties: { amount: "4" } }] }),
      "ignored for a child",
      LATER,
    ).plan;
    expect(again).toMatchObject({ id: childId, parentId: parent.id, amountCents: 20_000, createdAt: NOW });
    expect(again.charges.map((charge) => charge.id)).toEqual(first.charges.map((charge) => charge.id));
    expect(again.charges[1]?.properties).toEqual({ amount: "4" });
    const byParentId = mergePlanOverrides(
      first,
      planOverrides.parse({ charges: [{ id: storageCharge.id, properties: { amount: "2" } }] }),
      "ignored",
      LATER,
    ).plan;
    expect(byParentId.charges[1]).toMatchObject({ id: ownId, properties: { amount: "2" } });
  });

  it("refuses a negative amount and an unknown currency with Lago's codes", () => {
    const parsed = planOverrides.safeParse({ amount_cents: -1, amount_currency: "XXX1" });
    expect(parsed.success).toBe(false);
    const paths = parsed.error?.issues.map((issue) => issue.path.join(".")) ?? [];
    expect(paths).toEqual(expect.arrayContaining(["amount_cents", "amount_currency"]));
  });
});
