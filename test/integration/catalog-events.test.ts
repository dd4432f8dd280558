/**
 * The catalog's domain events on the bus: `customer.created` / `.updated` and `subscription.started`
 * / `.updated` / `.terminated` / `.trial_ended`, each once, with Lago's webhook body and the object
 * as the API shows it at the change. Each is owed in the write of its change: a function that dies
 * before publishing it (or after, before marking it published) leaves it to the catalog clock's
 * next run, which publishes it with the same `unique_key`.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { storedInstant } from "../../services/catalog/src/catalog-dates.js";
import type { CatalogDeps } from "../../services/catalog/src/catalog-deps.js";
import { upsertCustomer } from "../../services/catalog/src/customers/upsert-customer.js";
import { catalogEventPublisher } from "../../services/catalog/src/events/catalog-publisher.js";
import { handler as catalogApi } from "../../services/catalog/src/handlers/api.js";
import { runCatalogClock } from "../../services/catalog/src/lifecycle/run-catalog-clock.js";
import { createOrganization } from "../../services/catalog/src/organizations/create-organization.js";
import { createSubscription } from "../../services/catalog/src/subscriptions/create-subscription.js";
import { DOMAIN_EVENT_SOURCES } from "../../shared/src/contracts/domain-events.js";
import type { Organization } from "../../shared/src/domain/catalog.js";
import { CatalogStore, type OwedCatalogEvent } from "../../shared/src/store/catalog-store.js";
import { OrganizationStore } from "../../shared/src/store/organization-store.js";
import { invoke } from "../support/api-events.js";
import { type AwsHarness, startAwsHarness } from "../support/aws-harness.js";
import { type BusObserver, type DomainBusEvent, observeDomainEvents } from "../support/bus-observer.js";
import { catalogClockDeps } from "../support/clocks.js";

let aws: AwsHarness;
let bus: BusObserver<DomainBusEvent>;

beforeAll(async () => {
  aws = await startAwsHarness();
  bus = await observeDomainEvents();
});
afterAll(async () => {
  bus.stop();
  await aws.stop();
});

const waiting = new Map<string, DomainBusEvent[]>();

/** The events of one organization published since the last call, in order of arrival. */
async function takeOf(organizationId: string): Promise<DomainBusEvent[]> {
  for (const event of await bus.take()) {
    const id = event.detail.organization_id;
    waiting.set(id, [...(waiting.get(id) ?? []), event]);
  }
  const events = waiting.get(organizationId) ?? [];
  waiting.delete(organizationId);
  return events;
}

const typesOf = (events: readonly DomainBusEvent[]) => events.map((event) => event["detail-type"]).sort();

function only(events: readonly DomainBusEvent[], type: string): DomainBusEvent {
  const matching = events.filter((event) => event["detail-type"] === type);
  expect(matching, type).toHaveLength(1);
  return matching[0] as DomainBusEvent;
}

interface Org {
  readonly organization: Organization;
  readonly apiKey: string;
}

async function newOrganization(name: string, at: string): Promise<Org> {
  return createOrganization(new OrganizationStore(), { name, now: at });
}

async function call(
  org: Org,
  routeKey: string,
  at: string,
  options: { body?: unknown; params?: Record<string, string> } = {},
): Promise<Record<string, unknown>> {
  const answer = await invoke(catalogApi, routeKey, { apiKey: org.apiKey, at, ...options });
  if (answer.status !== 200)
    throw new Error(`${routeKey} answered ${answer.status}: ${JSON.stringify(answer.body)}`);
  return answer.body;
}

async function plan(org: Org, code: string, at: string, extra: Record<string, unknown> = {}): Promise<void> {
  await call(org, "POST /api/v1/plans", at, {
    body: {
      plan: { name: code, code, interval: "monthly", amount_cents: 1000, amount_currency: "EUR", ...extra },
    },
  });
}

/** A customer as webhooks show it: the API's, without what only the customers API adds. */
function webhookCustomer(apiCustomer: unknown): Record<string, unknown> {
  const {
    taxes: _taxes,
    applicable_invoice_custom_sections: _sections,
    error_details: _errors,
    ...customer
  } = apiCustomer as Record<string, unknown>;
  return customer;
}

/** A subscription as webhooks show it: the API's with its plan, and its customer. */
async function webhookSubscription(org: Org, externalId: string, at: string) {
  const { subscription } = await call(org, "GET /api/v1/subscriptions/{external_id}", at, {
    params: { external_id: externalId },
  });
  return shownWithCustomer(org, subscription, at);
}

async function shownWithCustomer(org: Org, apiSubscription: unknown, at: string) {
  const { applicable_usage_thresholds: _thresholds, ...subscription } = apiSubscription as Record<
    string,
    unknown
  >;
  const { customer } = await call(org, "GET /api/v1/customers/{external_customer_id}", at, {
    params: { external_customer_id: String(subscription.external_customer_id) },
  });
  return { ...subscription, customer: webhookCustomer(customer) };
}

const envelope = (type: string, org: Org, objectType: string) => ({
  webhook_type: type,
  object_type: objectType,
  organization_id: org.organization.id,
  unique_key: expect.any(String),
});

describe("customer events", () => {
  it("customer.created for a new customer, customer.updated for each upsert of it, each once", async () => {
    const org = await newOrganization("Customer Events", "2026-05-01T09:00:00.000Z");
    await call(org, "POST /api/v1/customers", "2026-05-01T09:00:00.000Z", {
      body: { customer: { external_id: "cus_a", name: "Ada", email: "ada@example.com" } },
    });
    const created = await call(
      org,
      "GET /api/v1/customers/{external_customer_id}",
      "2026-05-01T09:00:01.000Z",
      {
        params: { external_customer_id: "cus_a" },
      },
    );
    const [first] = await takeOf(org.organization.id);
    expect(first?.source).toBe(DOMAIN_EVENT_SOURCES.catalog);
    expect(first?.detail).toEqual({
      ...envelope("customer.created", org, "customer"),
      customer: webhookCustomer(created.customer),
    });

    const updated = await call(org, "POST /api/v1/customers", "2026-05-02T09:00:00.000Z", {
      body: { customer: { external_id: "cus_a", name: "Ada Lovelace" } },
    });
    // Lago sends customer.updated for every upsert of an existing customer, changed or not.
    await call(org, "POST /api/v1/customers", "2026-05-03T09:00:00.000Z", {
      body: { customer: { external_id: "cus_a", name: "Ada Lovelace" } },
    });
    const updates = await takeOf(org.organization.id);
    expect(typesOf(updates)).toEqual(["customer.updated", "customer.updated"]);
    expect(updates[0]?.detail).toEqual({
      ...envelope("customer.updated", org, "customer"),
      customer: webhookCustomer(updated.customer),
    });
    const keys = [first, ...updates].map((event) => event?.detail.unique_key);
    expect(new Set(keys).size).toBe(3);

    // Nothing is left owed: the clock publishes none of them again.
    await runCatalogClock(catalogClockDeps(), "2026-05-03T09:15:00.000Z");
    expect(await takeOf(org.organization.id)).toEqual([]);
  });
});

describe("subscription events", () => {
  it("started at creation, updated by PUT, terminated by DELETE, each with the subscription as the API shows it", async () => {
    const org = await newOrganization("Subscription Events", "2026-05-01T09:00:00.000Z");
    await plan(org, "pro", "2026-05-01T09:00:00.000Z");
    await call(org, "POST /api/v1/subscriptions", "2026-05-01T09:00:00.000Z", {
      body: {
        subscription: {
          external_customer_id: "cus_s",
          plan_code: "pro",
          external_id: "sub_s",
          subscription_at: "2026-05-01T00:00:00Z",
        },
      },
    });
    const started = await takeOf(org.organization.id);
    // The customer POST /subscriptions creates is not announced (Lago's subscription creation does not).
    expect(typesOf(started)).toEqual(["subscription.started"]);
    expect(only(started, "subscription.started").detail).toEqual({
      ...envelope("subscription.started", org, "subscription"),
      subscription: await webhookSubscription(org, "sub_s", "2026-05-01T09:00:00.000Z"),
    });

    await call(org, "PUT /api/v1/subscriptions/{external_id}", "2026-05-02T09:00:00.000Z", {
      params: { external_id: "sub_s" },
      body: { subscription: { name: "Renamed" } },
    });
    const updated = only(await takeOf(org.organization.id), "subscription.updated");
    expect(updated.detail).toEqual({
      ...envelope("subscription.updated", org, "subscription"),
      subscription: await webhookSubscription(org, "sub_s", "2026-05-02T09:00:00.000Z"),
    });
    expect((updated.detail.subscription as { name: string }).name).toBe("Renamed");

    const ended = await call(org, "DELETE /api/v1/subscriptions/{external_id}", "2026-05-03T09:00:00.000Z", {
      params: { external_id: "sub_s" },
    });
    const terminated = only(await takeOf(org.organization.id), "subscription.terminated");
    expect(terminated.detail).toEqual({
      ...envelope("subscription.terminated", org, "subscription"),
      subscription: await shownWithCustomer(org, ended.subscription, "2026-05-03T09:00:00.000Z"),
    });
    expect(terminated.detail.subscription).toMatchObject({
      status: "terminated",
      terminated_at: "2026-05-03T09:00:00.000Z",
    });

    await runCatalogClock(catalogClockDeps(), "2026-05-03T09:15:00.000Z");
    expect(await takeOf(org.organization.id)).toEqual([]);
  });

  it("the catalog clock starts a pending subscription, ends it at ending_at, and announces a trial's end once", async () => {
    const org = await newOrganization("Clock Events", "2026-05-01T09:00:00.000Z");
    await plan(org, "trial", "2026-05-01T09:00:00.000Z", { trial_period: 10 });
    await call(org, "POST /api/v1/subscriptions", "2026-05-01T09:00:00.000Z", {
      body: {
        subscription: {
          external_customer_id: "cus_c",
          plan_code: "trial",
          external_id: "sub_c",
          subscription_at: "2026-05-05T00:00:00Z",
          ending_at: "2026-06-20T00:00:00Z",
        },
      },
    });
    // Pending: nothing starts yet.
    expect(await takeOf(org.organization.id)).toEqual([]);
    await runCatalogClock(catalogClockDeps(), "2026-05-01T09:15:00.000Z");
    expect(await takeOf(org.organization.id)).toEqual([]);

    await runCatalogClock(catalogClockDeps(), "2026-05-05T00:00:00.000Z");
    const started = only(await takeOf(org.organization.id), "subscription.started");
    expect(started.detail.subscription).toMatchObject({
      external_id: "sub_c",
      status: "active",
      started_at: "2026-05-05T00:00:00.000Z",
      trial_ended_at: "2026-05-15T00:00:00.000Z",
    });

    // The trial's end is in the catalog's due index: the clock visits it then, once.
    await runCatalogClock(catalogClockDeps(), "2026-05-14T23:45:00.000Z");
    expect(await takeOf(org.organization.id)).toEqual([]);
    await runCatalogClock(catalogClockDeps(), "2026-05-15T00:00:00.000Z");
    const trialEnded = only(await takeOf(org.organization.id), "subscription.trial_ended");
    expect(trialEnded.detail).toEqual({
      ...envelope("subscription.trial_ended", org, "subscription"),
      subscription: await webhookSubscription(org, "sub_c", "2026-05-15T00:00:00.000Z"),
    });
    await runCatalogClock(catalogClockDeps(), "2026-05-15T00:15:00.000Z");
    await runCatalogClock(catalogClockDeps(), "2026-05-16T00:00:00.000Z");
    expect(await takeOf(org.organization.id)).toEqual([]);

    await runCatalogClock(catalogClockDeps(), "2026-06-20T00:00:00.000Z");
    const terminated = only(await takeOf(org.organization.id), "subscription.terminated");
    expect(terminated.detail.subscription).toMatchObject({
      status: "terminated",
      terminated_at: "2026-06-20T00:00:00.000Z",
    });
    await runCatalogClock(catalogClockDeps(), "2026-06-20T00:15:00.000Z");
    expect(await takeOf(org.organization.id)).toEqual([]);
  });

  it("an upgrade terminates the old subscription and starts its successor; a downgrade is updated, then switched by the clock", async () => {
    const org = await newOrganization("Plan Change Events", "2026-05-01T09:00:00.000Z");
    await plan(org, "basic", "2026-05-01T09:00:00.000Z");
    await plan(org, "premium", "2026-05-01T09:00:00.000Z", { amount_cents: 5000 });
    const subscribe = (planCode: string, at: string) =>
      call(org, "POST /api/v1/subscriptions", at, {
        body: {
          subscription: {
            external_customer_id: "cus_p",
            plan_code: planCode,
            external_id: "sub_p",
            subscription_at: "2026-05-01T00:00:00Z",
          },
        },
      });
    const first = (await subscribe("basic", "2026-05-01T09:00:00.000Z")).subscription as { lago_id: string };
    await takeOf(org.organization.id);

    const upgraded = (await subscribe("premium", "2026-05-10T09:00:00.000Z")).subscription as {
      lago_id: string;
    };
    const upgrade = await takeOf(org.organization.id);
    expect(typesOf(upgrade)).toEqual(["subscription.started", "subscription.terminated"]);
    expect(only(upgrade, "subscription.terminated").detail.subscription).toMatchObject({
      lago_id: first.lago_id,
      plan_code: "basic",
      status: "terminated",
      next_plan_code: null,
    });
    expect(only(upgrade, "subscription.started").detail).toEqual({
      ...envelope("subscription.started", org, "subscription"),
      subscription: await webhookSubscription(org, "sub_p", "2026-05-10T09:00:00.000Z"),
    });

    await subscribe("basic", "2026-05-12T09:00:00.000Z");
    const downgrade = only(await takeOf(org.organization.id), "subscription.updated");
    expect(downgrade.detail.subscription).toMatchObject({
      lago_id: upgraded.lago_id,
      plan_code: "premium",
      next_plan_code: "basic",
      downgrade_plan_date: "2026-06-01",
    });

    await runCatalogClock(catalogClockDeps(), "2026-06-01T00:00:00.000Z");
    const switched = await takeOf(org.organization.id);
    expect(typesOf(switched)).toEqual(["subscription.started", "subscription.terminated"]);
    expect(only(switched, "subscription.terminated").detail.subscription).toMatchObject({
      lago_id: upgraded.lago_id,
      status: "terminated",
      terminated_at: "2026-06-01T00:00:00.000Z",
    });
    expect(only(switched, "subscription.started").detail.subscription).toMatchObject({
      plan_code: "basic",
      status: "active",
      started_at: "2026-06-01T00:00:00.000Z",
      previous_plan_code: "premium",
    });
    await runCatalogClock(catalogClockDeps(), "2026-06-01T00:15:00.000Z");
    expect(await takeOf(org.organization.id)).toEqual([]);
  });
});

describe("subscriptions a deletion ends", () => {
  it("a plan's deletion terminates each of its subscriptions with its event; a plan without any owes none", async () => {
    const org = await newOrganization("Deletion Events", "2026-05-01T09:00:00.000Z");
    await plan(org, "doomed", "2026-05-01T09:00:00.000Z");
    await plan(org, "unused", "2026-05-01T09:00:00.000Z");
    for (const externalId of ["sub_x", "sub_y"])
      await call(org, "POST /api/v1/subscriptions", "2026-05-01T09:00:00.000Z", {
        body: {
          subscription: {
            external_customer_id: "cus_x",
            plan_code: "doomed",
            external_id: externalId,
            subscription_at: "2026-05-01T00:00:00Z",
          },
        },
      });
    await takeOf(org.organization.id);

    await call(org, "DELETE /api/v1/plans/{code}", "2026-05-02T09:00:00.000Z", {
      params: { code: "unused" },
    });
    expect(await takeOf(org.organization.id)).toEqual([]);
    await call(org, "DELETE /api/v1/plans/{code}", "2026-05-02T09:00:00.000Z", {
      params: { code: "doomed" },
    });
    const ended = await takeOf(org.organization.id);
    expect(typesOf(ended)).toEqual(["subscription.terminated", "subscription.terminated"]);
    expect(
      ended.map((event) => (event.detail.subscription as { external_id: string }).external_id).sort(),
    ).toEqual(["sub_x", "sub_y"]);
    expect(ended[0]?.detail.subscription).toMatchObject({
      status: "terminated",
      terminated_at: "2026-05-02T09:00:00.000Z",
      plan: { code: "doomed" },
      customer: { external_id: "cus_x" },
    });
  });
});

describe("an event owed is never lost", () => {
  /** The catalog's use cases with a bus that takes nothing: the function died before publishing. */
  const deadBeforePublishing = (attempted: string[]): CatalogDeps => ({
    ...catalogClockDeps(),
    publish: async (_type, _organizationId, _payload, uniqueKey) => {
      attempted.push(String(uniqueKey));
      throw new Error("the function died before publishing");
    },
  });

  /** The bus took the event, but the function died before marking it published. */
  class DiesAfterPublishing extends CatalogStore {
    override async owedEventPublished(_event: Pick<OwedCatalogEvent, "organizationId" | "uniqueKey">) {
      throw new Error("the function died after publishing");
    }
  }

  it("a change whose function died before publishing is published by the next clock run, with the key fixed at the write", async () => {
    const org = await newOrganization("Dies Before Publishing", "2026-05-01T09:00:00.000Z");
    await plan(org, "pro", "2026-05-01T09:00:00.000Z");
    const attempted: string[] = [];
    const deps = deadBeforePublishing(attempted);
    // The requests succeed: their changes are written, their events owed.
    await upsertCustomer(
      deps,
      org.organization,
      { external_id: "cus_d", name: "Dora" },
      "2026-05-01T09:00:00.000Z",
    );
    const subscription = await createSubscription(
      deps,
      org.organization.id,
      {
        externalCustomerId: "cus_d",
        planCode: "pro",
        externalId: "sub_d",
        name: null,
        subscriptionAt: storedInstant("2026-05-01T00:00:00.000Z"),
        endingAt: null,
        billingTime: "calendar",
      },
      "2026-05-01T09:00:01.000Z",
    );
    expect(subscription.status).toBe("active");
    expect(attempted).toHaveLength(2);
    expect(await takeOf(org.organization.id)).toEqual([]);

    const run = await runCatalogClock(catalogClockDeps(), "2026-05-01T09:15:00.000Z");
    expect(run.published).toBeGreaterThanOrEqual(2);
    const published = await takeOf(org.organization.id);
    expect(typesOf(published)).toEqual(["customer.created", "subscription.started"]);
    expect(published.map((event) => event.detail.unique_key).sort()).toEqual([...attempted].sort());
    expect(only(published, "subscription.started").detail.subscription).toEqual(
      await webhookSubscription(org, "sub_d", "2026-05-01T09:00:01.000Z"),
    );

    // Published and marked: the next runs publish nothing more.
    await runCatalogClock(catalogClockDeps(), "2026-05-01T09:30:00.000Z");
    expect(await takeOf(org.organization.id)).toEqual([]);
  });

  it("an event published but not marked is published again by the clock, with the same key", async () => {
    const org = await newOrganization("Dies After Publishing", "2026-05-01T09:00:00.000Z");
    const deps: CatalogDeps = {
      ...catalogClockDeps(),
      catalog: new DiesAfterPublishing(),
      publish: catalogEventPublisher(),
    };
    await upsertCustomer(
      deps,
      org.organization,
      { external_id: "cus_e", name: "Eve" },
      "2026-05-01T09:00:00.000Z",
    );
    const [once] = await takeOf(org.organization.id);
    expect(once?.detail.webhook_type).toBe("customer.created");

    await runCatalogClock(catalogClockDeps(), "2026-05-01T09:15:00.000Z");
    const [again, ...more] = await takeOf(org.organization.id);
    // At least once on the bus; the same unique key, so each endpoint is told once.
    expect(more).toEqual([]);
    expect(again?.detail).toEqual(once?.detail);
    await runCatalogClock(catalogClockDeps(), "2026-05-01T09:30:00.000Z");
    expect(await takeOf(org.organization.id)).toEqual([]);
  });
});
