/**
 * `events.errors`, Lago's hourly report of the events an organization sent in a closed UTC hour
 * that name no billable metric, miss their metric's field, or carry a value their metric's filter
 * does not list: one event per organization and hour, found through the hour's notes written with
 * the error records, whatever the number of runs (the local runtime runs it at every tick).
 */
import { randomUUID } from "node:crypto";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { reportEventErrors } from "../../services/aggregate/src/events/report-event-errors.js";
import { storeAndAggregate } from "../../services/aggregate/src/events/store-and-aggregate.js";
import { cachedCatalogLookups } from "../../services/aggregate/src/events/subscription-context.js";
import { handler as eventErrorsClock } from "../../services/aggregate/src/handlers/event-errors-clock.js";
import { DOMAIN_EVENT_SOURCES } from "../../shared/src/contracts/domain-events.js";
import { eventBridgeClient } from "../../shared/src/platform/aws-clients.js";
import { domainEventPublisher } from "../../shared/src/platform/domain-event-publisher.js";
import { eventBus, resourceName } from "../../shared/src/platform/resources.js";
import { CatalogStore } from "../../shared/src/store/catalog-store.js";
import { EventStore } from "../../shared/src/store/event-store.js";
import { OrganizationStore } from "../../shared/src/store/organization-store.js";
import { UsageStore } from "../../shared/src/store/usage-store.js";
import { testContext } from "../support/api-events.js";
import { type AwsHarness, startAwsHarness } from "../support/aws-harness.js";
import { type BusObserver, type DomainBusEvent, observeDomainEvents } from "../support/bus-observer.js";
import { seedCatalog } from "../support/catalog-fixture.js";

let aws: AwsHarness;
let bus: BusObserver<DomainBusEvent>;

beforeAll(async () => {
  aws = await startAwsHarness();
  bus = await observeDomainEvents([DOMAIN_EVENT_SOURCES.aggregate]);
});
afterAll(async () => {
  bus.stop();
  await aws.stop();
});

interface Sent {
  readonly transactionId: string;
  readonly code: string;
  readonly properties: Record<string, unknown>;
  readonly receivedAt: string;
}

/** One delivery unit through the events consumer, each event received when it happened. */
async function deliver(organizationId: string, externalSubscriptionId: string, events: readonly Sent[]) {
  await storeAndAggregate(
    {
      unitId: randomUUID(),
      organizationId,
      events: events.map((event) => ({
        lagoId: randomUUID(),
        transactionId: event.transactionId,
        externalSubscriptionId,
        code: event.code,
        timestamp: event.receivedAt,
        properties: event.properties,
        preciseTotalAmountCents: null,
        receivedAt: event.receivedAt,
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

const run = (now: string) => eventErrorsClock({ now }, testContext());

async function reportsOf(organizationId: string): Promise<DomainBusEvent[]> {
  return (await bus.take()).filter((event) => event.detail.organization_id === organizationId);
}

describe("events.errors", () => {
  it("reports an hour's unknown code and missing sum property once per organization, whatever the runs", async () => {
    const seeded = await seedCatalog({
      name: "Errors Hourly",
      subscriptionAt: "2026-05-01T00:00:00Z",
      at: "2026-05-01T08:00:00Z",
      aggregation: "sum_agg",
    });
    const clean = await seedCatalog({
      name: "No Errors",
      subscriptionAt: "2026-05-01T00:00:00Z",
      at: "2026-05-01T08:00:00Z",
      aggregation: "sum_agg",
    });
    const sub = seeded.externalSubscriptionId;
    await deliver(seeded.organizationId, sub, [
      {
        transactionId: "tx_unknown_code",
        code: "no_such_metric",
        properties: {},
        receivedAt: "2026-05-01T10:05:00.000Z",
      },
      { transactionId: "tx_no_value", code: "usage", properties: {}, receivedAt: "2026-05-01T10:40:00.000Z" },
      {
        transactionId: "tx_fine",
        code: "usage",
        properties: { value: 3 },
        receivedAt: "2026-05-01T10:41:00.000Z",
      },
    ]);
    // The next hour has only good events; the other organization only good ones too.
    await deliver(seeded.organizationId, sub, [
      {
        transactionId: "tx_later",
        code: "usage",
        properties: { value: 2 },
        receivedAt: "2026-05-01T11:30:00.000Z",
      },
    ]);
    await deliver(clean.organizationId, clean.externalSubscriptionId, [
      {
        transactionId: "tx_clean",
        code: "usage",
        properties: { value: 1 },
        receivedAt: "2026-05-01T10:10:00.000Z",
      },
    ]);

    // Within the grace after the hour closed, nothing is reported yet.
    await run("2026-05-01T11:05:00.000Z");
    expect(await reportsOf(seeded.organizationId)).toEqual([]);

    await run("2026-05-01T11:15:00.000Z");
    const [report, ...more] = await reportsOf(seeded.organizationId);
    expect(more).toEqual([]);
    expect(report?.source).toBe(DOMAIN_EVENT_SOURCES.aggregate);
    expect(report?.["detail-type"]).toBe("events.errors");
    expect(report?.detail).toEqual({
      webhook_type: "events.errors",
      object_type: "events_errors",
      organization_id: seeded.organizationId,
      unique_key: expect.any(String),
      events_errors: {
        invalid_code: ["tx_unknown_code"],
        missing_aggregation_property: ["tx_no_value"],
        invalid_filter_values: [],
        missing_group_key: [],
      },
    });

    // Every later run (the hour is still in the lookback) and the hour without errors: nothing.
    for (const now of [
      "2026-05-01T11:15:00.000Z",
      "2026-05-01T11:30:00.000Z",
      "2026-05-01T12:15:00.000Z",
      "2026-05-01T13:15:00.000Z",
    ])
      await run(now);
    expect(await reportsOf(seeded.organizationId)).toEqual([]);
    expect(await reportsOf(clean.organizationId)).toEqual([]);
  });

  it("a run that dies after publishing reports the hour again with the same unique key", async () => {
    const seeded = await seedCatalog({
      name: "Errors Crash",
      subscriptionAt: "2026-05-01T00:00:00Z",
      at: "2026-05-01T08:00:00Z",
      aggregation: "sum_agg",
    });
    await deliver(seeded.organizationId, seeded.externalSubscriptionId, [
      { transactionId: "tx_bad", code: "nope", properties: {}, receivedAt: "2026-05-02T10:05:00.000Z" },
    ]);
    class DiesBeforeMarking extends EventStore {
      override async markErrorHourReported(): Promise<void> {
        throw new Error("the function died after publishing");
      }
    }
    const publish = domainEventPublisher(
      eventBridgeClient(),
      resourceName(eventBus),
      DOMAIN_EVENT_SOURCES.aggregate,
    );
    await expect(
      reportEventErrors({ events: new DiesBeforeMarking(), publish }, "2026-05-02T11:15:00.000Z"),
    ).rejects.toThrow("died");
    const [first] = await reportsOf(seeded.organizationId);

    await run("2026-05-02T12:15:00.000Z");
    await run("2026-05-02T13:15:00.000Z");
    const again = await reportsOf(seeded.organizationId);
    expect(again).toHaveLength(1);
    expect(again[0]?.detail).toEqual(first?.detail);
    expect(first?.detail.events_errors).toMatchObject({ invalid_code: ["tx_bad"] });
  });
});
