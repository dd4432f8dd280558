/**
 * A recurring metric's value carries from a subscription to the one replacing it on a plan change,
 * as Lago aggregates recurring usage by the external id they share: an upgrade mid-period and a
 * downgrade at the period's end both leave the successor starting from the old value, on its
 * invoice and in its current usage.
 */
import { randomUUID } from "node:crypto";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { storeAndAggregate } from "../../services/aggregate/src/events/store-and-aggregate.js";
import { cachedCatalogLookups } from "../../services/aggregate/src/events/subscription-context.js";
import { handler as aggregateApi } from "../../services/aggregate/src/handlers/api.js";
import { handler as catalogApi } from "../../services/catalog/src/handlers/api.js";
import { createOrganization } from "../../services/catalog/src/organizations/create-organization.js";
import { handler as invoicingApi } from "../../services/invoicing/src/handlers/api.js";
import { InvoiceStore } from "../../services/invoicing/src/store/invoice-store.js";
import { CatalogStore } from "../../shared/src/store/catalog-store.js";
import { EventStore } from "../../shared/src/store/event-store.js";
import { OrganizationStore } from "../../shared/src/store/organization-store.js";
import { UsageStore } from "../../shared/src/store/usage-store.js";
import { invoke } from "../support/api-events.js";
import { type AwsHarness, startAwsHarness } from "../support/aws-harness.js";
import { clocksRun } from "../support/clocks.js";
import { deliverInvoicingInbox } from "../support/invoicing.js";
import { expectAggregatesMatchEvents } from "../support/usage-invariants.js";

let aws: AwsHarness;
beforeAll(async () => {
  aws = await startAwsHarness();
});
afterAll(() => aws.stop());

/** One delivery of `seats` events, received when they happened. */
async function sendSeats(
  organizationId: string,
  events: ReadonlyArray<{ timestamp: string; properties: Record<string, unknown> }>,
): Promise<void> {
  await storeAndAggregate(
    {
      unitId: randomUUID(),
      organizationId,
      events: events.map(({ timestamp, properties }) => ({
        lagoId: randomUUID(),
        transactionId: randomUUID(),
        externalSubscriptionId: "sub_1",
        code: "seats",
        timestamp,
        properties,
        preciseTotalAmountCents: null,
        receivedAt: timestamp,
      })),
    },
    {
      events: new EventStore(),
      usage: new UsageStore(),
      catalog: cachedCatalogLookups(new CatalogStore(), new OrganizationStore()),
      reportLateUsage: async () => undefined,
    },
  );
}

/** An organization with a recurring `seats` metric and two monthly plans pricing it differently. */
async function seed(name: string, aggregation: "unique_count_agg" | "sum_agg", at: string) {
  const { organization, apiKey } = await createOrganization(new OrganizationStore(), { name, now: at });
  const call = async (routeKey: string, body: unknown, when = at) => {
    const answer = await invoke(catalogApi, routeKey, { apiKey, body, at: when });
    expect(answer.status, JSON.stringify(answer.body)).toBe(200);
    return answer.body;
  };
  await call("POST /api/v1/billable_metrics", {
    billable_metric: {
      name: "Seats",
      code: "seats",
      aggregation_type: aggregation,
      field_name: aggregation === "unique_count_agg" ? "user_id" : "seats",
      recurring: true,
    },
  });
  for (const [code, amountCents, seatPrice] of [
    ["starter", 1000, "2"],
    ["pro", 5000, "3"],
  ] as const) {
    await call("POST /api/v1/plans", {
      plan: {
        name: code,
        code,
        interval: "monthly",
        amount_cents: amountCents,
        amount_currency: "EUR",
        charges: [
          { billable_metric_code: "seats", charge_model: "standard", properties: { amount: seatPrice } },
        ],
      },
    });
  }
  await call("POST /api/v1/customers", { customer: { external_id: "cus_1", name: "Customer" } });
  const subscribe = (planCode: string, when: string) =>
    call(
      "POST /api/v1/subscriptions",
      { subscription: { external_customer_id: "cus_1", plan_code: planCode, external_id: "sub_1" } },
      when,
    );
  const currentSeats = async (when: string) => {
    const answer = await invoke(aggregateApi, "GET /api/v1/customers/{external_customer_id}/current_usage", {
      apiKey,
      params: { external_customer_id: "cus_1" },
      query: "external_subscription_id=sub_1",
      at: when,
    });
    expect(answer.status, JSON.stringify(answer.body)).toBe(200);
    const usage = answer.body.customer_usage as {
      amount_cents: number;
      charges_usage: Array<{ units: string; amount_cents: number }>;
    };
    return { units: usage.charges_usage[0]?.units, amountCents: usage.charges_usage[0]?.amount_cents };
  };
  const terminate = async (when: string) => {
    const answer = await invoke(catalogApi, "DELETE /api/v1/subscriptions/{external_id}", {
      apiKey,
      params: { external_id: "sub_1" },
      at: when,
    });
    expect(answer.status, JSON.stringify(answer.body)).toBe(200);
    await deliverInvoicingInbox();
  };
  return { organizationId: organization.id, apiKey, call, subscribe, terminate, currentSeats };
}

const seatFees = async (organizationId: string, planId: string) =>
  (await new InvoiceStore().list(organizationId))
    .filter((invoice) => invoice.billingPeriods?.some((period) => period.planId === planId) ?? false)
    .flatMap((invoice) => invoice.fees.filter((fee) => fee.billableMetricCode === "seats"))
    .map((fee) => [fee.fromDatetime, fee.units, fee.amountCents]);

describe("recurring usage across plan changes", () => {
  it("an event dated before a downgrade's switch and arriving after it is billed by the plan it was used on", async () => {
    const { organizationId, apiKey, call, subscribe } = await seed(
      "Late Co",
      "sum_agg",
      "2026-03-01T00:00:00.000Z",
    );
    await call("PUT /api/v1/organizations", {
      organization: { billing_configuration: { invoice_grace_period: 5 } },
    });
    const pro = await subscribe("pro", "2026-03-01T00:00:00.000Z");
    await deliverInvoicingInbox();
    await sendSeats(organizationId, [{ timestamp: "2026-03-05T00:00:00.000Z", properties: { seats: 1 } }]);
    await subscribe("starter", "2026-03-20T00:00:00.000Z");
    await deliverInvoicingInbox();
    await clocksRun("2026-04-01T00:05:00.000Z");
    // Pro's March waits as a draft, priced from its pre-aggregated usage; then an event of March 25 arrives.
    await sendSeats(organizationId, [{ timestamp: "2026-03-25T00:00:00.000Z", properties: { seats: 3 } }]);
    const proId = (pro.subscription as { lago_id: string }).lago_id;
    const draft = (await new InvoiceStore().list(organizationId)).find(
      (invoice) => invoice.subscriptionId === proId,
    );
    expect(draft?.status).toBe("draft");
    const refreshed = await invoke(invoicingApi, "PUT /api/v1/invoices/{lago_id}/refresh", {
      apiKey,
      params: { lago_id: draft?.id as string },
      at: "2026-04-02T00:00:00.000Z",
    });
    expect(refreshed.status).toBe(200);
    // Pro's March seats: 1 + 3, at 3.00.
    const seats = (
      refreshed.body.invoice as {
        fees: Array<{ item: { code: string }; units: string; amount_cents: number }>;
      }
    ).fees
      .filter((fee) => fee.item.code === "seats")
      .map((fee) => [fee.units, fee.amount_cents]);
    expect(seats).toEqual([["4.0", 1200]]);
  });

  it("a new subscription taking over a freed external id starts from zero, on its termination invoice too", async () => {
    const { organizationId, subscribe, terminate } = await seed(
      "Reuse Co",
      "sum_agg",
      "2026-03-01T00:00:00.000Z",
    );
    const first = await subscribe("starter", "2026-03-01T00:00:00.000Z");
    await deliverInvoicingInbox();
    await sendSeats(organizationId, [{ timestamp: "2026-03-03T00:00:00.000Z", properties: { seats: 5 } }]);
    await terminate("2026-03-10T00:00:00.000Z");
    // The same external id, a new subscription (no plan change): the first one's 5 seats are not its.
    const second = await subscribe("starter", "2026-03-12T00:00:00.000Z");
    await deliverInvoicingInbox();
    await sendSeats(organizationId, [{ timestamp: "2026-03-15T00:00:00.000Z", properties: { seats: 2 } }]);
    // Terminated inside the period, it is priced from the raw events: 2 × 2.00.
    await terminate("2026-03-20T00:00:00.000Z");
    const seats = async (subscriptionId: string) =>
      (await new InvoiceStore().list(organizationId))
        .filter((invoice) => invoice.subscriptionId === subscriptionId)
        .flatMap((invoice) => invoice.fees.filter((fee) => fee.billableMetricCode === "seats"))
        .map((fee) => [fee.units, fee.amountCents]);
    expect(await seats((first.subscription as { lago_id: string }).lago_id)).toEqual([["5.0", 1000]]);
    expect(await seats((second.subscription as { lago_id: string }).lago_id)).toEqual([["2.0", 400]]);
  });

  it("an upgrade mid-period: the new plan bills the seats held before it, and those added since", async () => {
    const { organizationId, subscribe, currentSeats } = await seed(
      "Upgrade Co",
      "unique_count_agg",
      "2026-03-01T00:00:00.000Z",
    );
    const starter = await subscribe("starter", "2026-03-01T00:00:00.000Z");
    await deliverInvoicingInbox();
    await sendSeats(organizationId, [
      { timestamp: "2026-03-03T00:00:00.000Z", properties: { user_id: "alice" } },
      { timestamp: "2026-03-05T00:00:00.000Z", properties: { user_id: "bob" } },
    ]);
    // Upgrade on March 15 at noon: starter ends, pro starts with the same external id.
    const pro = await subscribe("pro", "2026-03-15T12:00:00.000Z");
    expect(pro.subscription).toMatchObject({ plan_code: "pro", previous_plan_code: "starter" });
    expect((pro.subscription as { lago_id: string }).lago_id).not.toBe(
      (starter.subscription as { lago_id: string }).lago_id,
    );
    await deliverInvoicingInbox();
    // The two seats carry over at once: 2 × 3.00.
    expect(await currentSeats("2026-03-16T00:00:00.000Z")).toEqual({ units: "2.0", amountCents: 600 });

    // After the upgrade alice leaves and carol joins: bob and carol remain.
    await sendSeats(organizationId, [
      { timestamp: "2026-03-18T00:00:00.000Z", properties: { user_id: "alice", operation_type: "remove" } },
      { timestamp: "2026-03-20T00:00:00.000Z", properties: { user_id: "carol" } },
      { timestamp: "2026-03-22T00:00:00.000Z", properties: { user_id: "dan" } },
    ]);
    expect(await currentSeats("2026-03-25T00:00:00.000Z")).toEqual({ units: "3.0", amountCents: 900 });
    // Priced from the aggregates, the successor's March equals the reference engine over the events.
    await expectAggregatesMatchEvents(organizationId, "sub_1", ["2026-03-25T00:00:00.000Z"]);

    await clocksRun("2026-04-01T00:05:00.000Z");
    const catalog = new CatalogStore();
    const plans = await Promise.all([
      catalog.getPlan(organizationId, "starter"),
      catalog.getPlan(organizationId, "pro"),
    ]);
    // The starter plan billed its two seats up to the upgrade: 2 × 2.00.
    expect(await seatFees(organizationId, plans[0]?.id as string)).toEqual([
      ["2026-03-01T00:00:00.000Z", "2.0", 400],
    ]);
    // Pro's March from the upgrade: bob, carol and dan × 3.00, alice's carried seat removed.
    expect(await seatFees(organizationId, plans[1]?.id as string)).toEqual([
      ["2026-03-15T12:00:00.000Z", "3.0", 900],
    ]);
  });

  it("a downgrade at the period's end: the new plan's first period starts from the old total", async () => {
    const { organizationId, subscribe, currentSeats } = await seed(
      "Downgrade Co",
      "sum_agg",
      "2026-03-01T00:00:00.000Z",
    );
    await subscribe("pro", "2026-03-01T00:00:00.000Z");
    await deliverInvoicingInbox();
    await sendSeats(organizationId, [
      { timestamp: "2026-03-05T00:00:00.000Z", properties: { seats: 3 } },
      { timestamp: "2026-03-10T00:00:00.000Z", properties: { seats: 2 } },
    ]);
    // Asked on March 20, the downgrade to starter waits for April 1.
    const asked = await subscribe("starter", "2026-03-20T00:00:00.000Z");
    expect(asked.subscription).toMatchObject({ plan_code: "pro", status: "active" });
    await deliverInvoicingInbox();
    await clocksRun("2026-04-01T00:05:00.000Z");
    const switched = await new CatalogStore().getSubscription(organizationId, "sub_1");
    expect(switched).toMatchObject({ planCode: "starter", status: "active" });

    // Starter from April 1: the 5 seats of March carry (5 × 2.00), then 1 more (6 × 2.00).
    expect(await currentSeats("2026-04-05T00:00:00.000Z")).toEqual({ units: "5.0", amountCents: 1000 });
    await sendSeats(organizationId, [{ timestamp: "2026-04-10T00:00:00.000Z", properties: { seats: 1 } }]);
    expect(await currentSeats("2026-04-15T00:00:00.000Z")).toEqual({ units: "6.0", amountCents: 1200 });
    await expectAggregatesMatchEvents(organizationId, "sub_1", ["2026-04-15T00:00:00.000Z"]);

    await clocksRun("2026-05-01T00:05:00.000Z");
    const catalog = new CatalogStore();
    const [pro, starter] = await Promise.all([
      catalog.getPlan(organizationId, "pro"),
      catalog.getPlan(organizationId, "starter"),
    ]);
    // Pro billed March's 5 seats × 3.00; starter April's 6 × 2.00.
    expect(await seatFees(organizationId, pro?.id as string)).toEqual([
      ["2026-03-01T00:00:00.000Z", "5.0", 1500],
    ]);
    expect(await seatFees(organizationId, starter?.id as string)).toEqual([
      ["2026-04-01T00:00:00.000Z", "6.0", 1200],
    ]);
  });
});
