import { randomUUID } from "node:crypto";
import type { SQSBatchResponse, SQSEvent } from "aws-lambda";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { storeAndAggregate } from "../../services/aggregate/src/events/store-and-aggregate.js";
import { cachedCatalogLookups } from "../../services/aggregate/src/events/subscription-context.js";
import { handler as consumer } from "../../services/aggregate/src/handlers/events-consumer.js";
import type { EventsMessage } from "../../shared/src/contracts/events-message.js";
import type { UsageEvent } from "../../shared/src/domain/usage-event.js";
import { EMPTY_TOTALS, foldEvent, type UsageTotals } from "../../shared/src/domain/usage-totals.js";
import { CatalogStore } from "../../shared/src/store/catalog-store.js";
import { EventStore, type StoredEvent } from "../../shared/src/store/event-store.js";
import { OrganizationStore } from "../../shared/src/store/organization-store.js";
import { UsageStore } from "../../shared/src/store/usage-store.js";
import { testContext } from "../support/api-events.js";
import { type AwsHarness, startAwsHarness } from "../support/aws-harness.js";
import { type SeededCatalog, seedCatalog } from "../support/catalog-fixture.js";

let aws: AwsHarness;
let seeded: SeededCatalog;
const NOVEMBER = "2026-11-01T00:00:00.000Z";
const DECEMBER = "2026-12-01T00:00:00.000Z";

beforeAll(async () => {
  aws = await startAwsHarness();
  seeded = await seedCatalog({ subscriptionAt: "2026-11-01T00:00:00Z", aggregation: "sum_agg" });
});
afterAll(() => aws.stop());

let next = 0;
function event(overrides: Partial<UsageEvent> = {}): UsageEvent {
  next++;
  return {
    lagoId: randomUUID(),
    transactionId: `tx-${next}`,
    externalSubscriptionId: seeded.externalSubscriptionId,
    code: "usage",
    timestamp: "2026-11-10T12:00:00.000Z",
    properties: { value: next },
    preciseTotalAmountCents: null,
    receivedAt: "2026-11-10T12:00:00.000Z",
    ...overrides,
  };
}

const unit = (events: UsageEvent[]): EventsMessage => ({
  unitId: randomUUID(),
  organizationId: seeded.organizationId,
  events,
});

const sqsEvent = (...bodies: string[]): SQSEvent => ({
  Records: bodies.map((body, index) => ({
    messageId: `m-${index}-${randomUUID()}`,
    receiptHandle: "r",
    body,
    attributes: {
      ApproximateReceiveCount: "1",
      SentTimestamp: "0",
      SenderId: "test",
      ApproximateFirstReceiveTimestamp: "0",
    },
    messageAttributes: {},
    md5OfBody: "",
    eventSource: "aws:sqs",
    eventSourceARN: "arn:aws:sqs:us-east-1:000000000000:events",
    awsRegion: "us-east-1",
  })),
});

const deliver = async (...bodies: string[]) =>
  (await consumer(sqsEvent(...bodies), testContext())) as SQSBatchResponse;

async function usageOf(periodStartsAt: string): Promise<UsageTotals> {
  const usage = await new UsageStore().periodUsage({
    organizationId: seeded.organizationId,
    subscriptionId: seeded.subscriptionId,
    periodStartsAt,
  });
  return usage.get("usage") ?? EMPTY_TOTALS;
}

/** The invariant every fault must keep: aggregates equal a recount of the stored raw events. */
async function expectAggregatesMatchStoredEvents(): Promise<StoredEvent[]> {
  const stored = await new EventStore().listForSubscription(
    seeded.organizationId,
    seeded.externalSubscriptionId,
  );
  const recount = new Map<string, UsageTotals>();
  for (const e of stored) {
    if (!e.placement.aggregated) continue;
    const metric = { aggregationType: "sum_agg", fieldName: "value" } as const;
    recount.set(
      e.placement.periodStartsAt,
      foldEvent(recount.get(e.placement.periodStartsAt) ?? EMPTY_TOTALS, metric, e),
    );
  }
  for (const period of [NOVEMBER, DECEMBER]) {
    expect(await usageOf(period)).toEqual(recount.get(period) ?? EMPTY_TOTALS);
  }
  return stored;
}

const deps = () => ({
  events: new EventStore(),
  usage: new UsageStore(),
  catalog: cachedCatalogLookups(new CatalogStore(), new OrganizationStore()),
});

describe("aggregate consumer, exactly once", () => {
  it("stores each event once and counts it in its own period", async () => {
    const before = await usageOf(NOVEMBER);
    const inNovember = event({ properties: { value: 5 } });
    const inDecember = event({ timestamp: "2026-12-02T00:00:00.000Z", properties: { value: 7 } });
    const response = await deliver(JSON.stringify(unit([inNovember, inDecember])));
    expect(response.batchItemFailures).toEqual([]);
    const after = await usageOf(NOVEMBER);
    expect(after.eventsCount - before.eventsCount).toBe(1);
    expect(Number(after.sum) - Number(before.sum)).toBe(5);
    expect((await usageOf(DECEMBER)).sum).toBe("7");
    await expectAggregatesMatchStoredEvents();
  });

  it("counts a message delivered three times once", async () => {
    const before = await usageOf(NOVEMBER);
    const body = JSON.stringify(
      unit([event({ properties: { value: 100 } }), event({ properties: { value: 11 } })]),
    );
    for (let i = 0; i < 3; i++) expect((await deliver(body)).batchItemFailures).toEqual([]);
    const after = await usageOf(NOVEMBER);
    expect(after.eventsCount - before.eventsCount).toBe(2);
    expect(Number(after.sum) - Number(before.sum)).toBe(111);
    await expectAggregatesMatchStoredEvents();
  });

  it("counts a transaction id repeated inside a batch and across batches once", async () => {
    const before = await usageOf(NOVEMBER);
    const original = event({ properties: { value: 3 } });
    const copy = { ...original, lagoId: randomUUID(), properties: { value: 999 } };
    await deliver(JSON.stringify(unit([original, copy])));
    // The client resends the same batch: a new delivery unit with the same transaction id.
    await deliver(JSON.stringify(unit([{ ...original, lagoId: randomUUID() }])));
    const after = await usageOf(NOVEMBER);
    expect(after.eventsCount - before.eventsCount).toBe(1);
    expect(Number(after.sum) - Number(before.sum)).toBe(3);
    const stored = await new EventStore().get(
      seeded.organizationId,
      seeded.externalSubscriptionId,
      original.transactionId,
    );
    expect(stored?.properties).toEqual({ value: 3 });
    await expectAggregatesMatchStoredEvents();
  });

  it("recovers a crash between storing events and writing usage without loss or double count", async () => {
    const before = await usageOf(NOVEMBER);
    const message = unit([event({ properties: { value: 20 } }), event({ properties: { value: 22 } })]);
    class CrashingUsage extends UsageStore {
      override async addDelta(): Promise<boolean> {
        throw new Error("Lambda timed out");
      }
    }
    await expect(storeAndAggregate(message, { ...deps(), usage: new CrashingUsage() })).rejects.toThrow(
      "timed out",
    );
    expect(await usageOf(NOVEMBER)).toEqual(before);
    // Redelivery of the same unit: its events are found as its own, and counted now.
    const outcome = await storeAndAggregate(message, deps());
    expect(outcome).toMatchObject({ stored: 2, duplicates: 0, deltasWritten: 1 });
    const after = await usageOf(NOVEMBER);
    expect(Number(after.sum) - Number(before.sum)).toBe(42);
    await expectAggregatesMatchStoredEvents();
  });

  it("recovers a crash half way through storing a unit's events", async () => {
    const before = await usageOf(NOVEMBER);
    const message = unit([1, 2, 3, 4].map((value) => event({ properties: { value } })));
    let writes = 0;
    class CrashingEvents extends EventStore {
      override async storeOnce(e: StoredEvent) {
        if (++writes > 2) throw new Error("connection reset");
        return super.storeOnce(e);
      }
    }
    await expect(
      storeAndAggregate(message, { ...deps(), events: new CrashingEvents(), writeConcurrency: 1 }),
    ).rejects.toThrow("reset");
    await storeAndAggregate(message, deps());
    await storeAndAggregate(message, deps());
    const after = await usageOf(NOVEMBER);
    expect(after.eventsCount - before.eventsCount).toBe(4);
    expect(Number(after.sum) - Number(before.sum)).toBe(10);
    await expectAggregatesMatchStoredEvents();
  });

  it("keeps events of unknown subscriptions, unknown metrics and before the start, without counting them", async () => {
    const before = await usageOf(NOVEMBER);
    const orphan = event({ externalSubscriptionId: "sub_unknown" });
    const unknownMetric = event({ code: "not_a_metric" });
    const early = event({ timestamp: "2026-10-31T23:59:59.000Z" });
    await deliver(JSON.stringify(unit([orphan, unknownMetric, early])));
    expect(await usageOf(NOVEMBER)).toEqual(before);
    const store = new EventStore();
    const placements = await Promise.all(
      [orphan, unknownMetric, early].map(
        async (e) =>
          (await store.get(seeded.organizationId, e.externalSubscriptionId, e.transactionId))?.placement,
      ),
    );
    expect(placements).toEqual([
      { aggregated: false, reason: "subscription_not_found" },
      { aggregated: false, reason: "metric_not_found" },
      { aggregated: false, reason: "outside_subscription" },
    ]);
  });

  it("reports only the malformed message of a batch as failed", async () => {
    const good = JSON.stringify(unit([event()]));
    const response = await deliver(good, "{not json", JSON.stringify({ unitId: "u" }));
    expect(response.batchItemFailures).toHaveLength(2);
    await expectAggregatesMatchStoredEvents();
  });
});
