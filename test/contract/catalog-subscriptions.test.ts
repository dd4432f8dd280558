/**
 * Customers and subscriptions through lago-javascript-client: upserts, lists, errors, isolation,
 * and the subscription lifecycle (pending, active, ended, upgraded, downgraded, terminated) as the
 * billing clock moves it.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { LocalRuntime } from "../../infra/local/runtime.js";
import {
  CONTRACT_CLOCK_START,
  control,
  daysFrom,
  type Lago,
  lagoError,
  notFoundError,
  startContractRuntime,
  utcMonthStart,
  validationError,
} from "../support/lago.js";

let runtime: LocalRuntime;
let lago: Lago;
let stranger: Lago;

beforeAll(async () => {
  ({ runtime, lago, stranger } = await startContractRuntime());
  await lago.billableMetrics.createBillableMetric({
    billable_metric: { name: "Calls", code: "calls", aggregation_type: "count_agg" },
  });
  const plan = (amount: number, code: string) =>
    lago.plans.createPlan({
      plan: {
        name: code,
        code,
        interval: "monthly",
        amount_cents: amount,
        amount_currency: "USD",
        pay_in_advance: false,
        charges: [
          { billable_metric_code: "calls", charge_model: "standard", properties: { amount: "1" } } as never,
        ],
      },
    });
  await plan(1000, "basic");
  await plan(5000, "premium");
  await plan(100, "starter");
});
afterAll(() => runtime?.stop());

const tick = (now: string) => control(runtime, "/_local/tick", { now });

/** Our invoice list carries each invoice's fees (Lago's list omits them; its client types do too). */
type Invoice = { fees: Array<{ amount_cents: number; item: { type: string; code: string } }> };

describe("customers", () => {
  it("upserts by external_id, keeps the sequential id, and shows the applicable timezone", async () => {
    const first = await lago.customers.createCustomer({
      customer: {
        external_id: "cus_acme",
        name: "Acme",
        email: "ap@acme.test",
        currency: "USD",
        metadata: [{ key: "segment", value: "smb", display_in_invoice: true }],
      },
    });
    expect(first.data.customer).toMatchObject({
      external_id: "cus_acme",
      timezone: null,
      applicable_timezone: "UTC",
    });
    const again = await lago.customers.createCustomer({
      customer: { external_id: "cus_acme", timezone: "Asia/Kolkata", legal_name: "Acme Inc." },
    });
    expect(again.data.customer).toMatchObject({
      lago_id: first.data.customer.lago_id,
      sequential_id: first.data.customer.sequential_id,
      name: "Acme",
      legal_name: "Acme Inc.",
      timezone: "Asia/Kolkata",
      applicable_timezone: "Asia/Kolkata",
      metadata: [expect.objectContaining({ key: "segment", value: "smb", display_in_invoice: true })],
    });
  });

  it("refuses invalid fields with Lago's codes and changes nothing", async () => {
    expect(
      await lagoError(
        lago.customers.createCustomer({
          customer: { external_id: "cus_acme", timezone: "Nowhere" as never },
        }),
      ),
    ).toEqual(validationError({ timezone: ["invalid_timezone"] }));
    expect(
      await lagoError(
        lago.customers.createCustomer({ customer: { external_id: "cus_acme", currency: "ABC" as never } }),
      ),
    ).toEqual(validationError({ currency: ["value_is_invalid"] }));
    expect(await lagoError(lago.customers.createCustomer({ customer: { external_id: "" } }))).toEqual(
      validationError({ external_id: ["value_is_mandatory"] }),
    );
    expect((await lago.customers.findCustomer("cus_acme")).data.customer.timezone).toBe("Asia/Kolkata");
  });

  it("lists newest first with pagination and search, and hides customers from other organizations", async () => {
    for (const id of ["cus_b", "cus_c"])
      await lago.customers.createCustomer({ customer: { external_id: id, name: id } });
    const page = await lago.customers.findAllCustomers({ per_page: 2, page: 1 });
    expect(page.data.customers.map((c) => c.external_id)).toEqual(["cus_c", "cus_b"]);
    expect(page.data.meta).toMatchObject({ current_page: 1, next_page: 2, total_pages: 2, total_count: 3 });
    const search = await lago.customers.findAllCustomers({ search_term: "acme" } as never);
    expect(search.data.customers.map((c) => c.external_id)).toEqual(["cus_acme"]);
    expect(await lagoError(stranger.customers.findCustomer("cus_acme"))).toEqual(notFoundError("customer"));
    expect((await stranger.customers.findAllCustomers()).data.meta).toMatchObject({ total_count: 0 });
  });
});

describe("subscriptions", () => {
  it("starts active when subscription_at is past, pending when it is in the future", async () => {
    const active = await lago.subscriptions.createSubscription({
      subscription: {
        external_customer_id: "cus_b",
        plan_code: "basic",
        external_id: "sub_active",
        subscription_at: daysFrom(CONTRACT_CLOCK_START, -150),
      },
    });
    expect(active.data.subscription).toMatchObject({
      status: "active",
      started_at: daysFrom(CONTRACT_CLOCK_START, -150),
      plan_code: "basic",
    });
    const future = daysFrom(runtime.now(), 40);
    const pending = await lago.subscriptions.createSubscription({
      subscription: {
        external_customer_id: "cus_c",
        plan_code: "basic",
        external_id: "sub_pending",
        subscription_at: future,
      },
    });
    expect(pending.data.subscription).toMatchObject({ status: "pending", started_at: null });

    // The same request again is the same subscription.
    const repeat = await lago.subscriptions.createSubscription({
      subscription: {
        external_customer_id: "cus_c",
        plan_code: "basic",
        external_id: "sub_pending",
        subscription_at: future,
      },
    });
    expect(repeat.data.subscription.lago_id).toBe(pending.data.subscription.lago_id);

    const actives = await lago.subscriptions.findAllSubscriptions({ status: ["active"] } as never);
    expect(actives.data.subscriptions.map((s) => s.external_id)).toContain("sub_active");
    expect(actives.data.subscriptions.map((s) => s.external_id)).not.toContain("sub_pending");
    const ofCustomer = await lago.subscriptions.findAllSubscriptions({
      external_customer_id: "cus_c",
      status: ["pending"],
    } as never);
    expect(ofCustomer.data.subscriptions.map((s) => s.external_id)).toEqual(["sub_pending"]);
  });

  it("lists subscriptions a page at a time", async () => {
    for (const id of ["sub_p1", "sub_p2"]) {
      await lago.subscriptions.createSubscription({
        subscription: { external_customer_id: "cus_acme", plan_code: "basic", external_id: id },
      });
    }
    const page = await lago.subscriptions.findAllSubscriptions({ per_page: 2, page: 1 } as never);
    expect(page.data.subscriptions.map((s) => s.external_id)).toEqual(["sub_p2", "sub_p1"]);
    expect(page.data.meta).toMatchObject({ current_page: 1, next_page: 2, total_count: 3 });
    expect((await stranger.subscriptions.findAllSubscriptions()).data.meta).toMatchObject({ total_count: 0 });
  });

  it("answers plan_not_found and value_already_exist without creating anything", async () => {
    expect(
      await lagoError(
        lago.subscriptions.createSubscription({
          subscription: { external_customer_id: "cus_b", plan_code: "nope", external_id: "sub_x" },
        }),
      ),
    ).toEqual(notFoundError("plan"));
    expect(
      await lagoError(
        lago.subscriptions.createSubscription({
          subscription: { external_customer_id: "cus_c", plan_code: "basic", external_id: "sub_active" },
        }),
      ),
    ).toEqual(validationError({ external_id: ["value_already_exist"] }));
    expect(await lagoError(lago.subscriptions.findSubscription("sub_x"))).toEqual(
      notFoundError("subscription"),
    );
    expect(await lagoError(stranger.subscriptions.findSubscription("sub_active"))).toEqual(
      notFoundError("subscription"),
    );
  });

  it("updates the name and ending_at, and cancels a pending subscription", async () => {
    const updated = await lago.subscriptions.updateSubscription("sub_active", {
      subscription: { name: "Main", ending_at: "2030-01-01T00:00:00Z" },
    });
    expect(updated.data.subscription).toMatchObject({ name: "Main", ending_at: "2030-01-01T00:00:00.000Z" });
    const canceled = await lago.subscriptions.destroySubscription("sub_pending", {
      status: "pending",
    } as never);
    expect(canceled.data.subscription).toMatchObject({ status: "canceled" });
  });

  it("upgrades at once: the old subscription ends and is billed up to now, the new one starts", async () => {
    await lago.customers.createCustomer({ customer: { external_id: "cus_up", currency: "USD" } });
    await lago.subscriptions.createSubscription({
      subscription: {
        external_customer_id: "cus_up",
        plan_code: "basic",
        external_id: "sub_up",
        // Within the current period, so the upgrade bills that one period.
        subscription_at: utcMonthStart(runtime.now()),
      },
    });
    const upgraded = await lago.subscriptions.createSubscription({
      subscription: { external_customer_id: "cus_up", plan_code: "premium", external_id: "sub_up" },
    });
    expect(upgraded.data.subscription).toMatchObject({
      status: "active",
      plan_code: "premium",
      previous_plan_code: "basic",
    });
    await control(runtime, "/_local/drain");
    const invoices = (await lago.invoices.findAllInvoices({ external_customer_id: "cus_up" })).data
      .invoices as unknown as Invoice[];
    expect(invoices).toHaveLength(1);
    expect(invoices[0]?.fees[0]).toMatchObject({ item: expect.objectContaining({ code: "basic" }) });
  });

  it("downgrades when the current period ends, and ends at ending_at", async () => {
    // From this month's first instant, downgraded at next month's, ended on the 10th of the month after.
    const thisMonth = utcMonthStart(runtime.now());
    const nextMonth = utcMonthStart(thisMonth, 1);
    const lastMonth = utcMonthStart(thisMonth, 2);
    const endingAt = daysFrom(lastMonth, 9.5);
    const lastMonthDays = (Date.parse(utcMonthStart(thisMonth, 3)) - Date.parse(lastMonth)) / 86_400_000;
    await lago.customers.createCustomer({ customer: { external_id: "cus_down", currency: "USD" } });
    await lago.subscriptions.createSubscription({
      subscription: {
        external_customer_id: "cus_down",
        plan_code: "premium",
        external_id: "sub_down",
        subscription_at: thisMonth,
        ending_at: endingAt,
      },
    });
    const downgrade = await lago.subscriptions.createSubscription({
      subscription: { external_customer_id: "cus_down", plan_code: "starter", external_id: "sub_down" },
    });
    expect(downgrade.data.subscription).toMatchObject({
      plan_code: "premium",
      next_plan_code: "starter",
      downgrade_plan_date: nextMonth.slice(0, 10),
    });

    await tick(daysFrom(nextMonth, 5 / 1440));
    const afterSwitch = (await lago.subscriptions.findSubscription("sub_down")).data.subscription;
    expect(afterSwitch).toMatchObject({
      plan_code: "starter",
      previous_plan_code: "premium",
      status: "active",
    });

    await tick(endingAt);
    const ended = (await lago.subscriptions.findSubscription("sub_down")).data.subscription;
    expect(ended).toMatchObject({ status: "terminated", terminated_at: endingAt });
    const invoices = (await lago.invoices.findAllInvoices({ external_customer_id: "cus_down" })).data
      .invoices as unknown as Invoice[];
    // This month on premium (in full), next month on starter, days 1–10 of the month after on starter.
    expect(
      invoices.map((invoice) => invoice.fees.find((fee) => fee.item.type === "subscription")?.amount_cents),
    ).toEqual([Math.round((100 * 10) / lastMonthDays), 100, 5000]);
  });

  it("terminates an active subscription and bills its last days at once", async () => {
    await lago.customers.createCustomer({ customer: { external_id: "cus_end", currency: "USD" } });
    await lago.subscriptions.createSubscription({
      subscription: {
        external_customer_id: "cus_end",
        plan_code: "basic",
        external_id: "sub_end",
        subscription_at: utcMonthStart(runtime.now()),
      },
    });
    const ended = await lago.subscriptions.destroySubscription("sub_end");
    expect(ended.data.subscription).toMatchObject({ status: "terminated" });
    await control(runtime, "/_local/drain");
    const invoices = (await lago.invoices.findAllInvoices({ external_customer_id: "cus_end" })).data.invoices;
    expect(invoices).toHaveLength(1);
    expect(await lagoError(lago.subscriptions.destroySubscription("sub_end"))).toMatchObject({ status: 405 });
  });

  it("deleting a plan ends its subscriptions, and frees its code", async () => {
    await lago.plans.createPlan({
      plan: {
        name: "Doomed",
        code: "doomed",
        interval: "weekly",
        amount_cents: 700,
        amount_currency: "USD",
        pay_in_advance: false,
      },
    });
    await lago.customers.createCustomer({ customer: { external_id: "cus_doomed", currency: "USD" } });
    await lago.subscriptions.createSubscription({
      subscription: { external_customer_id: "cus_doomed", plan_code: "doomed", external_id: "sub_doomed" },
    });
    const deleted = await lago.plans.destroyPlan("doomed");
    expect(deleted.data.plan.code).toBe("doomed");
    expect(await lagoError(lago.plans.findPlan("doomed"))).toEqual(notFoundError("plan"));
    expect((await lago.subscriptions.findSubscription("sub_doomed")).data.subscription.status).toBe(
      "terminated",
    );
    await control(runtime, "/_local/drain");
    // Its final invoice is still made from the deleted plan.
    const invoices = (await lago.invoices.findAllInvoices({ external_customer_id: "cus_doomed" })).data
      .invoices;
    expect(invoices).toHaveLength(1);
    const again = await lago.plans.createPlan({
      plan: {
        name: "Reborn",
        code: "doomed",
        interval: "monthly",
        amount_cents: 1,
        amount_currency: "USD",
        pay_in_advance: false,
      },
    });
    expect(again.data.plan.name).toBe("Reborn");
  });

  it("deleting a customer ends its subscriptions", async () => {
    await lago.customers.createCustomer({ customer: { external_id: "cus_gone", currency: "USD" } });
    await lago.subscriptions.createSubscription({
      subscription: { external_customer_id: "cus_gone", plan_code: "basic", external_id: "sub_gone" },
    });
    await lago.customers.destroyCustomer("cus_gone");
    expect(await lagoError(lago.customers.findCustomer("cus_gone"))).toEqual(notFoundError("customer"));
    expect((await lago.subscriptions.findSubscription("sub_gone")).data.subscription.status).toBe(
      "terminated",
    );
  });
});

describe("concurrent creations", () => {
  it("creates customers and subscriptions concurrently, each customer with its own sequential id", async () => {
    const created = await Promise.all(
      Array.from({ length: 12 }, (_, i) =>
        i % 2
          ? lago.customers.createCustomer({ customer: { external_id: `cus_par_${i}`, currency: "USD" } })
          : lago.subscriptions.createSubscription({
              subscription: {
                external_customer_id: `cus_par_${i}`,
                plan_code: "basic",
                external_id: `sub_par_${i}`,
              },
            }),
      ),
    );
    expect(created.every((answer) => answer.ok)).toBe(true);
    const ids = await Promise.all(
      Array.from(
        { length: 12 },
        async (_, i) => (await lago.customers.findCustomer(`cus_par_${i}`)).data.customer.sequential_id,
      ),
    );
    expect(new Set(ids).size).toBe(12);
  });
});
