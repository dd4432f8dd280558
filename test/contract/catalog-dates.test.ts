/**
 * Dates and catalog limits through lago-javascript-client: what Lago refuses with `invalid_date`
 * (and what we refuse past 1970–2100, or past the documented limits) is a 4xx in Lago's shape
 * that leaves every table as it was; a subscription_at in the past starts at once and is billed
 * from the period its creation day follows, never before. Dates sit on the runtime's clock.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { LocalRuntime } from "../../infra/local/runtime.js";
import {
  control,
  daysFrom,
  type Lago,
  lagoError,
  notFoundError,
  startContractRuntime,
  utcMonthStart,
  validationError,
} from "../support/lago.js";
import { scanTables } from "../support/stored-state.js";

let runtime: LocalRuntime;
let lago: Lago;

beforeAll(async () => {
  ({ runtime, lago } = await startContractRuntime());
  await lago.billableMetrics.createBillableMetric({
    billable_metric: { name: "Calls", code: "calls", aggregation_type: "count_agg" },
  });
  await lago.plans.createPlan({
    plan: {
      name: "Dated",
      code: "dated",
      interval: "monthly",
      amount_cents: 1000,
      amount_currency: "USD",
      pay_in_advance: false,
    },
  });
  await lago.subscriptions.createSubscription({
    subscription: { external_customer_id: "cus_dated", plan_code: "dated", external_id: "sub_dated" },
  });
  // Invoicing hears of the subscription asynchronously: let it settle before comparing tables.
  await control(runtime, "/_local/drain");
});
afterAll(() => runtime?.stop());

/** The Lago error of a call, checked to have changed nothing stored. */
async function refusal(call: () => Promise<unknown>): Promise<Record<string, unknown>> {
  const before = await scanTables();
  const error = await lagoError(call());
  expect(error.status).toBeGreaterThanOrEqual(400);
  expect(error.status).toBeLessThan(500);
  expect(await scanTables()).toEqual(before);
  return error;
}

const subscribe = (subscription: Record<string, unknown>) => () =>
  lago.subscriptions.createSubscription({
    subscription: {
      external_customer_id: "cus_unknown",
      plan_code: "dated",
      external_id: "sub_unknown",
      ...subscription,
    },
  });

describe("dates Lago refuses, or we do", () => {
  it("subscription_at +275760-09-13, 0001-01-01 and 2026-02-30: invalid_date, no customer created", async () => {
    for (const subscriptionAt of [
      "+275760-09-13T00:00:00Z",
      "0001-01-01T00:00:00Z",
      "2026-02-30T00:00:00Z",
    ]) {
      expect(await refusal(subscribe({ subscription_at: subscriptionAt }))).toEqual(
        validationError({ subscription_at: ["invalid_date"] }),
      );
    }
    expect(await lagoError(lago.customers.findCustomer("cus_unknown"))).toEqual(notFoundError("customer"));
  });

  it("ending_at before subscription_at, or on today's date: invalid_date", async () => {
    const now = runtime.now();
    expect(
      await refusal(subscribe({ subscription_at: daysFrom(now, 10), ending_at: daysFrom(now, 5) })),
    ).toEqual(validationError({ ending_at: ["invalid_date"] }));
    expect(
      await refusal(() =>
        lago.subscriptions.updateSubscription("sub_dated", { subscription: { ending_at: now } }),
      ),
    ).toEqual(validationError({ ending_at: ["invalid_date"] }));
    expect(
      await refusal(() =>
        lago.subscriptions.updateSubscription("sub_dated", { subscription: { ending_at: "2030-02-30" } }),
      ),
    ).toEqual(validationError({ ending_at: ["invalid_date"] }));
  });
});

describe("catalog limits", () => {
  const plan = (fields: Record<string, unknown>) => () =>
    lago.plans.createPlan({
      plan: {
        name: "Big",
        code: "big",
        interval: "monthly",
        amount_cents: 1,
        amount_currency: "USD",
        ...fields,
      },
    } as never);

  it("a 6 MB name, 10,000 graduated ranges and trial_period 1e308 are refused", async () => {
    const huge = await refusal(plan({ name: "x".repeat(6 * 1024 * 1024) }));
    expect([413, 422]).toContain(huge.status);
    const ranges = Array.from({ length: 10_000 }, (_, i) => ({
      from_value: i,
      to_value: i === 9_999 ? null : i + 1,
      per_unit_amount: "1",
      flat_amount: "0",
    }));
    expect(
      await refusal(
        plan({
          charges: [
            {
              billable_metric_code: "calls",
              charge_model: "graduated",
              properties: { graduated_ranges: ranges },
            },
          ],
        }),
      ),
    ).toEqual(validationError({ "charges.0.properties.graduated_ranges": ["too_many_ranges"] }));
    expect(await refusal(plan({ trial_period: 1e308 }))).toEqual(
      validationError({ trial_period: ["value_is_out_of_range"] }),
    );
  });
});

describe("a subscription_at in the past", () => {
  it("starts at once and is billed from the period its creation day follows, never earlier", async () => {
    const now = runtime.now();
    const startedAt = utcMonthStart(now, -3);
    const created = await lago.subscriptions.createSubscription({
      subscription: {
        external_customer_id: "cus_past",
        plan_code: "dated",
        external_id: "sub_past",
        subscription_at: startedAt,
      },
    });
    expect(created.data.subscription).toMatchObject({ status: "active", started_at: startedAt });
    await control(runtime, "/_local/tick", { now: daysFrom(utcMonthStart(now, 1), 1 / 1440) });
    const invoices = (await lago.invoices.findAllInvoices({ external_customer_id: "cus_past" })).data
      .invoices as unknown as Array<{ fees: Array<{ amount_cents: number; from_date: string }> }>;
    // The first period billed holds the day before the creation day (UTC here): this month's,
    // or last month's when created on the 1st, which Lago's runs of that day bill. Each in full.
    const creationDay = `${now.slice(0, 10)}T00:00:00.000Z`;
    const firstBilled = utcMonthStart(daysFrom(creationDay, -1 / 86_400_000));
    const expected = firstBilled === utcMonthStart(now) ? [firstBilled] : [firstBilled, utcMonthStart(now)];
    expect(
      invoices.map((invoice) => [invoice.fees[0]?.from_date, invoice.fees[0]?.amount_cents]).sort(),
    ).toEqual(expected.map((start) => [start, 1000]));
  });
});
