import { describe, expect, it } from "vitest";
import { organization, plan, subscription, vat } from "#shared/serializers/test-fixtures.js";
import { serializeSubscriptionExtended } from "./serialize.js";

describe("subscription serializer of the subscriptions API", () => {
  it("adds the whole plan, with its taxes, and the plan's amount", () => {
    const shown = serializeSubscriptionExtended(
      { subscription, organization, trialEndedAt: null, currentPeriod: null },
      plan,
      [vat],
    );
    expect(shown).toMatchObject({
      lago_id: subscription.id,
      billing_entity_code: "societe_generale_d_energie",
      plan_amount_cents: 10_000,
      plan_amount_currency: "EUR",
      current_billing_period_started_at: null,
      applicable_usage_thresholds: [],
      plan: { lago_id: plan.id, code: "startup", taxes: [expect.objectContaining({ code: "vat" })] },
    });
    expect(shown.plan.charges.map((charge) => charge.billable_metric_code)).toEqual(["requests"]);
  });
});
