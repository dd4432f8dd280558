import { describe, expect, it } from "vitest";
import { periodContaining } from "#shared/domain/periods.js";
import { serializeSubscription } from "./subscription.js";
import { organization, plan, subscription } from "./test-fixtures.js";

const march = periodContaining(
  { interval: "monthly", billingTime: "calendar", anchorDate: "2026-02-10" },
  "America/New_York",
  "2026-03-15T12:00:00.000Z",
);

describe("subscription serializer", () => {
  it("shows the plan's amount, the billing entity and the open period at the time shown", () => {
    const shown = serializeSubscription({
      subscription,
      trialEndedAt: null,
      currentPeriod: march,
      plan,
      organization,
    });
    expect(shown).toMatchObject({
      lago_id: subscription.id,
      external_id: "acme-main",
      lago_customer_id: subscription.customerId,
      external_customer_id: "acme",
      billing_entity_code: "societe_generale_d_energie",
      plan_code: "startup",
      plan_amount_cents: 10_000,
      plan_amount_currency: "EUR",
      status: "active",
      started_at: subscription.startedAt,
      activated_at: subscription.startedAt,
      current_billing_period_started_at: "2026-03-01T05:00:00.000Z",
      current_billing_period_ending_at: "2026-04-01T03:59:59.000Z",
      on_termination_credit_note: null,
      on_termination_invoice: "generate",
      payment_method: { payment_method_type: "provider", payment_method_id: null },
      activation_rules: [],
    });
  });

  it("sends null for what the caller did not read, and a downgrade's date at the period's end", () => {
    const shown = serializeSubscription({
      subscription: { ...subscription, nextPlanCode: "small" },
      trialEndedAt: null,
      currentPeriod: march,
    });
    expect(shown).toMatchObject({
      billing_entity_code: null,
      plan_amount_cents: null,
      plan_amount_currency: null,
      next_plan_code: "small",
      downgrade_plan_date: "2026-04-01",
    });
  });
});
