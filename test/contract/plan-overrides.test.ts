/**
 * `plan_overrides` through lago-javascript-client: a subscription created on a plan with its own
 * price and charge price, shown through the subscriptions API, billed with them (the amounts
 * prorated from the test's own dates, checked by hand), changed again by PUT; the plan itself is
 * left as it was, and a bad override is refused with nothing stored.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { LocalRuntime } from "../../infra/local/runtime.js";
import {
  cents,
  control,
  type Lago,
  lagoError,
  notFoundError,
  startContractRuntime,
  utcDaysInclusive,
  validationError,
} from "../support/lago.js";

let runtime: LocalRuntime;
let lago: Lago;

beforeAll(async () => {
  ({ runtime, lago } = await startContractRuntime());
});
afterAll(() => runtime?.stop());

/** Lago's fields of a plan and a charge that the client does not type. */
interface Parented {
  readonly parent_id?: string | null;
  readonly lago_parent_id?: string | null;
}

describe("plan_overrides in Lago's shape", () => {
  it("bills a subscription from its overridden plan, and leaves the plan as it was", async () => {
    await lago.billableMetrics.createBillableMetric({
      billable_metric: { name: "Seats", code: "override_seats", aggregation_type: "count_agg" },
    });
    const plan = (
      await lago.plans.createPlan({
        plan: {
          name: "Team",
          code: "override_team",
          interval: "monthly",
          amount_cents: 1000,
          amount_currency: "EUR",
          charges: [
            { billable_metric_code: "override_seats", charge_model: "standard", properties: { amount: "1" } },
          ],
        } as never,
      })
    ).data.plan;
    const parentCharge = plan.charges?.[0];
    await lago.customers.createCustomer({
      customer: { external_id: "override_cus", name: "Override Co", currency: "EUR" },
    });

    // An unknown charge id is refused, and nothing is stored.
    expect(
      await lagoError(
        lago.subscriptions.createSubscription({
          subscription: {
            external_customer_id: "override_cus",
            plan_code: "override_team",
            external_id: "override_sub",
            plan_overrides: { charges: [{ id: "00000000-0000-4000-8000-000000000000" }] },
          },
        }),
      ),
    ).toEqual(validationError({ "charges.0.id": ["charge_not_found"] }));
    expect(await lagoError(lago.subscriptions.findSubscription("override_sub"))).toEqual(
      notFoundError("subscription"),
    );

    const created = (
      await lago.subscriptions.createSubscription({
        subscription: {
          external_customer_id: "override_cus",
          plan_code: "override_team",
          external_id: "override_sub",
          plan_overrides: {
            amount_cents: 4000,
            name: "Team (negotiated)",
            charges: [{ id: parentCharge?.lago_id, properties: { amount: "2.5" } }],
          },
        },
      })
    ).data.subscription;
    expect(created).toMatchObject({ plan_code: "override_team", plan_amount_cents: 4000 });
    const child = created.plan;
    expect(child).toMatchObject({ code: "override_team", name: "Team (negotiated)", amount_cents: 4000 });
    expect((child as Parented).parent_id).toBe(plan.lago_id);
    const childCharge = child?.charges?.[0] as (Parented & { properties?: unknown }) | undefined;
    expect(childCharge).toMatchObject({ properties: { amount: "2.5" } });
    expect(childCharge?.lago_parent_id).toBe(parentCharge?.lago_id);
    expect((await lago.subscriptions.findSubscription("override_sub")).data.subscription).toEqual(created);

    // The plan is unchanged, and listed once.
    expect((await lago.plans.findPlan("override_team")).data.plan).toEqual(plan);
    const listed = (await lago.plans.findAllPlans({ per_page: 100 })).data.plans;
    expect(listed.filter((p) => p.code === "override_team").map((p) => p.lago_id)).toEqual([plan.lago_id]);

    // PUT changes the subscription's own child plan (the client's type asks for an ending_at).
    await lago.subscriptions.updateSubscription("override_sub", {
      subscription: { ending_at: null, plan_overrides: { invoice_display_name: "Team, as agreed" } },
    });
    const updated = (await lago.subscriptions.findSubscription("override_sub")).data.subscription;
    expect(updated.plan?.lago_id).toBe(child?.lago_id);
    expect(updated.plan).toMatchObject({ invoice_display_name: "Team, as agreed", amount_cents: 4000 });

    await lago.events.createBatchEvents({
      events: ["a", "b"].map((id) => ({
        transaction_id: `override-${id}`,
        code: "override_seats",
        external_subscription_id: "override_sub",
      })),
    });
    await control(runtime, "/_local/drain");
    const periodEnd = created.current_billing_period_ending_at as string;
    await control(runtime, "/_local/tick", { now: new Date(Date.parse(periodEnd) + 1000).toISOString() });

    // The first period runs from the subscription's day to the month's end: base 4000 (not the
    // plan's 1000) × billed days / days of the month; the charge 2 × 2.50 (not 2 × 1.00) = 500.
    const billedDays = utcDaysInclusive(created.started_at as string, periodEnd);
    const periodDays = utcDaysInclusive(`${periodEnd.slice(0, 8)}01`, periodEnd);
    const base = cents((4000 * billedDays) / periodDays);
    const [listedInvoice] = (await lago.invoices.findAllInvoices({ external_customer_id: "override_cus" }))
      .data.invoices;
    const invoice = (await lago.invoices.findInvoice(listedInvoice?.lago_id ?? "")).data.invoice;
    expect(invoice.fees?.map((fee) => [fee.item.type, fee.amount_cents])).toEqual([
      ["subscription", base],
      ["charge", 500],
    ]);
    expect(invoice).toMatchObject({ fees_amount_cents: base + 500, total_amount_cents: base + 500 });
  });
});
