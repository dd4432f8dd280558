/**
 * Ingestion faults against a real moto_server: every message delivered three times, crashes between
 * and inside writes, throttled writes, interrupted folds, duplicate transaction ids inside and across
 * batches. After each, usage priced from the pre-aggregated data equals the reference engine's price
 * of the stored raw events (every aggregation type, filters, groups), and every event is stored once.
 */
import { randomUUID } from "node:crypto";
import type { SQSBatchResponse } from "aws-lambda";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  type DeliveryUnitEvents,
  type StoreAndAggregateDeps,
  storeAndAggregate,
} from "../../services/aggregate/src/events/store-and-aggregate.js";
import { cachedCatalogLookups } from "../../services/aggregate/src/events/subscription-context.js";
import { handler as consumer } from "../../services/aggregate/src/handlers/events-consumer.js";
import { handler as catalogApi } from "../../services/catalog/src/handlers/api.js";
import { createOrganization } from "../../services/catalog/src/organizations/create-organization.js";
import type { UsageEvent } from "../../shared/src/domain/usage-event.js";
import { documentClient } from "../../shared/src/platform/aws-clients.js";
import { CatalogStore } from "../../shared/src/store/catalog-store.js";
import { EventStore, type StoredEvent } from "../../shared/src/store/event-store.js";
import { OrganizationStore } from "../../shared/src/store/organization-store.js";
import { type AggregateKey, type DeliveryUnit, UsageStore } from "../../shared/src/store/usage-store.js";
import { invoke, testContext } from "../support/api-events.js";
import { type AwsHarness, startAwsHarness } from "../support/aws-harness.js";
import { sqsEvent } from "../support/sqs-events.js";
import { expectAggregatesMatchEvents } from "../support/usage-invariants.js";

let aws: AwsHarness;
let organizationId: string;
const SUB = "sub_exact";
const NOVEMBER = "2026-11-15T00:00:00.000Z";
const DECEMBER = "2026-12-15T00:00:00.000Z";

/** A plan pricing every aggregation type, with a charge filter and a pricing group. */
beforeAll(async () => {
  aws = await startAwsHarness();
  const created = await createOrganization(new OrganizationStore(), {
    name: "Exact",
    now: "2026-11-01T00:00:00Z",
  });
  organizationId = created.organization.id;
  const call = async (routeKey: string, body: unknown) => {
    const answer = await invoke(catalogApi, routeKey, {
      apiKey: created.apiKey,
      body,
      at: "2026-11-01T00:00:00Z",
    });
    if (answer.status !== 200) throw new Error(`${routeKey}: ${JSON.stringify(answer.body)}`);
  };
  const metrics = [
    {
      code: "requests",
      aggregation_type: "sum_agg",
      field_name: "n",
      filters: [{ key: "region", values: ["eu", "us"] }],
    },
    { code: "calls", aggregation_type: "count_agg" },
    { code: "seats", aggregation_type: "unique_count_agg", field_name: "user" },
    { code: "peak", aggregation_type: "max_agg", field_name: "n" },
    { code: "level", aggregation_type: "latest_agg", field_name: "n" },
    { code: "gb", aggregation_type: "weighted_sum_agg", field_name: "n", weighted_interval: "seconds" },
    { code: "storage", aggregation_type: "sum_agg", field_name: "n", recurring: true },
  ];
  for (const metric of metrics)
    await call("POST /api/v1/billable_metrics", { billable_metric: { name: metric.code, ...metric } });
  const charge = (code: string, extra: Record<string, unknown> = {}) => ({
    billable_metric_code: code,
    charge_model: "standard",
    properties: { amount: "0.5" },
    ...extra,
  });
  await call("POST /api/v1/plans", {
    plan: {
      name: "All",
      code: "all",
      interval: "monthly",
      amount_cents: 0,
      amount_currency: "EUR",
      charges: [
        charge("requests", {
          filters: [{ invoice_display_name: "EU", properties: { amount: "1" }, values: { region: ["eu"] } }],
        }),
        charge("calls", {
          charge_model: "graduated",
          properties: {
            graduated_ranges: [
              { from_value: 0, to_value: 5, per_unit_amount: "0", flat_amount: "1" },
              { from_value: 6, to_value: null, per_unit_amount: "0.2", flat_amount: "0" },
            ],
          },
        }),
        charge("seats", { properties: { amount: "3", pricing_group_keys: ["team"] } }),
        charge("peak"),
        charge("level"),
        charge("gb"),
        charge("storage"),
      ],
    },
  });
  await call("POST /api/v1/customers", {
    customer: { external_id: "cus_exact", timezone: "America/Chicago" },
  });
  await call("POST /api/v1/subscriptions", {
    subscription: {
      external_customer_id: "cus_exact",
      plan_code: "all",
      external_id: SUB,
      subscription_at: "2026-11-01T00:00:00Z",
    },
  });
});
afterAll(() => aws.stop());

let sequence = 0;
/** A varied batch: every metric, numeric strings, missing fields, both regions, several teams and users. */
function batch(size: number, at: string): UsageEvent[] {
  const codes = ["requests", "calls", "seats", "peak", "level", "gb", "storage"];
  return Array.from({ length: size }, () => {
    const i = ++sequence;
    const properties: Record<string, unknown> =
      i % 11 === 0
        ? {}
        : { n: i % 3 === 0 ? String(i % 17) : (i % 13) - 3, region: i % 2 ? "eu" : i % 5 ? "us" : "mars" };
    properties.user = `u${i % 7}`;
    properties.team = i % 3 ? "red" : "blue";
    if (i % 9 === 0) properties.operation_type = "remove";
    const timestamp = new Date(Date.parse(at) + (i % 50) * 3_600_000).toISOString();
    return {
      lagoId: randomUUID(),
      transactionId: `tx-${i}`,
      externalSubscriptionId: SUB,
      code: codes[i % codes.length] as string,
      timestamp,
      properties,
      preciseTotalAmountCents: null,
      receivedAt: "2026-12-20T00:00:00.000Z",
    };
  });
}

const unit = (events: UsageEvent[]): DeliveryUnitEvents => ({ unitId: randomUUID(), organizationId, events });
const body = (message: DeliveryUnitEvents) =>
  JSON.stringify({
    unitId: message.unitId,
    organizationId: message.organizationId,
    receivedAt: message.events[0]?.receivedAt,
    events: message.events.map((e) => [
      e.transactionId,
      e.externalSubscriptionId,
      e.code,
      e.timestamp,
      e.properties,
      e.preciseTotalAmountCents,
    ]),
  });
const deliver = async (bodies: string[]) =>
  (await consumer(sqsEvent(bodies), testContext())) as SQSBatchResponse;

const deps = (overrides: Partial<StoreAndAggregateDeps> = {}): StoreAndAggregateDeps => ({
  events: new EventStore(),
  usage: new UsageStore(),
  catalog: cachedCatalogLookups(new CatalogStore(), new OrganizationStore()),
  reportLateUsage: async () => undefined,
  foldEvery: 1,
  ...overrides,
});

const invariant = () => expectAggregatesMatchEvents(organizationId, SUB, [NOVEMBER, DECEMBER]);

describe("exactly once under faults", () => {
  it("counts every message delivered three times once", async () => {
    const messages = [unit(batch(60, "2026-11-03T00:00:00Z")), unit(batch(60, "2026-11-20T00:00:00Z"))];
    for (let round = 0; round < 3; round++) {
      expect((await deliver(messages.map(body))).batchItemFailures).toEqual([]);
    }

    const [november] = await invariant();
    expect(november?.some((fee) => fee.units.greaterThan(0))).toBe(true);
  });

  it("counts duplicate transaction ids inside a batch and across batches once", async () => {
    const events = batch(40, "2026-11-05T00:00:00Z");
    const inside = [
      ...events,
      ...events.slice(0, 10).map((e) => ({ ...e, lagoId: randomUUID(), properties: { n: 999 } })),
    ];
    await storeAndAggregate(unit(inside), deps());
    // The client resends the same batch: new delivery units with the same transaction ids.
    await storeAndAggregate(unit(events), deps());
    await storeAndAggregate(unit(events.slice(20)), deps());
    const stored = await new EventStore().get(organizationId, SUB, events[0]?.transactionId as string);
    expect(stored?.properties).toEqual(events[0]?.properties);
    await invariant();
  });

  it("recovers a crash between storing events and writing usage, without loss or double count", async () => {
    const message = unit(batch(50, "2026-11-08T00:00:00Z"));
    let deltas = 0;
    class CrashingUsage extends UsageStore {
      override async addDelta(
        key: AggregateKey,
        unit: DeliveryUnit,
        totals: Parameters<UsageStore["addDelta"]>[2],
      ) {
        if (++deltas > 2) throw new Error("Lambda timed out");
        return super.addDelta(key, unit, totals);
      }
    }
    await expect(
      storeAndAggregate(message, deps({ usage: new CrashingUsage(), writeConcurrency: 1 })),
    ).rejects.toThrow("timed out");
    await storeAndAggregate(message, deps());
    await invariant();
  });

  it("recovers a crash half way through storing a unit's events", async () => {
    const message = unit(batch(50, "2026-12-02T00:00:00Z"));
    let writes = 0;
    class CrashingEvents extends EventStore {
      override async storeOnce(event: StoredEvent) {
        if (++writes > 20) throw new Error("connection reset");
        return super.storeOnce(event);
      }
    }
    await expect(
      storeAndAggregate(message, deps({ events: new CrashingEvents(), writeConcurrency: 5 })),
    ).rejects.toThrow("reset");
    await storeAndAggregate(message, deps());
    await storeAndAggregate(message, deps());
    await invariant();
  });

  it("stays exact when DynamoDB throttles writes, whatever the SDK retries and the queue redelivers", async () => {
    let calls = 0;
    // throttled(n): whether the n-th write is refused with a throttling error. At first, one write
    // in five, each at most once (`once`), so the SDK's retries always get through.
    const once = new WeakSet<object>();
    let throttled = (n: number, input: object) => n % 5 === 0 && !once.has(input) && Boolean(once.add(input));
    const stack = documentClient().middlewareStack as unknown as {
      add(middleware: unknown, options: object): void;
      remove(name: string): boolean;
    };
    stack.add(
      (next: (args: unknown) => Promise<unknown>, context: { commandName?: string }) =>
        async (args: unknown) => {
          const input = (args as { input: object }).input;
          if (/Put|Transact|Update/.test(context.commandName ?? "") && throttled(++calls, input)) {
            const error = new Error("Rate of requests exceeds the allowed throughput");
            error.name = "ProvisionedThroughputExceededException";
            Object.assign(error, {
              $metadata: { httpStatusCode: 400 },
              $fault: "client",
              $retryable: { throttling: true },
            });
            throw error;
          }
          return next(args);
        },
      // Below the SDK's retry middleware, as a real throttled answer would be.
      { step: "finalizeRequest", priority: "low", name: "throttle", override: true },
    );
    try {
      // Occasional throttling: the SDK's retries absorb it, every unit completes at once.
      const first = sqsEvent(
        Array.from({ length: 3 }, (_, i) => body(unit(batch(30, `2026-12-0${i + 3}T00:00:00Z`)))),
      );
      expect(((await consumer(first, testContext())) as SQSBatchResponse).batchItemFailures).toEqual([]);
      expect(calls).toBeGreaterThan(20);

      // Throttling that outlasts the retries, from the 40th write on: units fail half written…
      const offset = calls;
      throttled = (n) => n - offset > 40;
      const second = sqsEvent(
        Array.from({ length: 3 }, (_, i) => body(unit(batch(30, `2026-12-0${i + 6}T00:00:00Z`)))),
      );
      const failed = ((await consumer(second, testContext())) as SQSBatchResponse).batchItemFailures;
      expect(failed.length).toBeGreaterThan(0);
      // …and, once DynamoDB recovers, the queue delivers them again.
      throttled = () => false;
      const again = second.Records.filter((record) =>
        failed.some((f) => f.itemIdentifier === record.messageId),
      );
      expect(
        ((await consumer({ Records: again }, testContext())) as SQSBatchResponse).batchItemFailures,
      ).toEqual([]);
    } finally {
      stack.remove("throttle");
    }
    await invariant();
  });

  it("survives a fold interrupted before its transaction, and folds concurrent with new deltas", async () => {
    const message = unit(batch(40, "2026-11-25T00:00:00Z"));
    class FailingFold extends UsageStore {
      override async fold(): Promise<number> {
        throw new Error("crash before the fold's transaction");
      }
    }
    await expect(storeAndAggregate(message, deps({ usage: new FailingFold() }))).rejects.toThrow("crash");
    await invariant();
    // The redelivery folds; a later unit adds deltas to folded aggregates.
    await storeAndAggregate(message, deps());
    await storeAndAggregate(unit(batch(40, "2026-11-26T00:00:00Z")), deps({ foldEvery: 1_000_000 }));
    await invariant();
  });
});

describe("events that cannot be aggregated", () => {
  it("keeps them, reports each once with its reason, and leaves usage untouched", async () => {
    const at = "2026-11-27T00:00:00.000Z";
    const event = (transactionId: string, externalSubscriptionId: string, code: string, timestamp = at) => ({
      ...batch(1, at)[0],
      transactionId,
      externalSubscriptionId,
      code,
      timestamp,
      receivedAt: "2026-12-21T00:00:00.000Z",
    });
    const before = await invariant();
    const message = unit([
      event("err-metric", SUB, "no_such_metric") as UsageEvent,
      event("err-sub", "no_such_subscription", "calls") as UsageEvent,
      event("err-early", SUB, "calls", "2026-10-01T00:00:00.000Z") as UsageEvent,
    ]);
    // Delivered twice: the second delivery reports nothing new.
    for (let round = 0; round < 2; round++)
      expect((await deliver([body(message)])).batchItemFailures).toEqual([]);

    const reported = await new EventStore().errors(organizationId, "2026-12-21", "2026-12-22");
    expect(reported.map((e) => [e.transactionId, e.reason]).sort()).toEqual([
      ["err-early", "outside_subscription"],
      ["err-metric", "metric_not_found"],
      ["err-sub", "subscription_not_found"],
    ]);
    const kept = await new EventStore().get(organizationId, SUB, "err-metric");
    expect(kept?.placement).toEqual({ aggregated: false, reason: "metric_not_found" });
    const after = await invariant();
    expect(after.map((fees) => fees.map((fee) => fee.units.toString()))).toEqual(
      before.map((fees) => fees.map((fee) => fee.units.toString())),
    );
  });
});

describe("one event never fails its delivery unit", () => {
  it("reports an event DynamoDB refuses, with its properties, and aggregates the rest of the unit once", async () => {
    const events = batch(30, "2026-11-28T00:00:00Z").map((e) => ({
      ...e,
      receivedAt: "2026-12-22T00:00:00.000Z",
    }));
    const refused = events[7] as UsageEvent;
    class RefusingEvents extends EventStore {
      override async storeOnce(event: StoredEvent) {
        if (event.transactionId === refused.transactionId) {
          throw Object.assign(new Error("Item size has exceeded the maximum allowed size"), {
            name: "ValidationException",
            $metadata: { httpStatusCode: 400 },
          });
        }
        return super.storeOnce(event);
      }
    }
    const message = unit(events);
    // Delivered twice: the refused event is reported, never counted, and the rest counted once.
    const outcome = await storeAndAggregate(message, deps({ events: new RefusingEvents() }));
    await storeAndAggregate(message, deps({ events: new RefusingEvents() }));
    expect(outcome).toMatchObject({ stored: 29, refused: 1 });
    const reported = await new EventStore().errors(organizationId, "2026-12-22", "2026-12-23");
    expect(reported).toEqual([
      expect.objectContaining({
        transactionId: refused.transactionId,
        reason: "event_not_storable",
        propertiesJson: JSON.stringify(refused.properties),
      }),
    ]);
    expect(await new EventStore().get(organizationId, SUB, refused.transactionId)).toBeUndefined();
    await invariant();
  });

  it("reports an event whose tuple does not parse, and aggregates the rest of its message", async () => {
    const events = batch(5, "2026-11-29T00:00:00Z").map((e) => ({
      ...e,
      receivedAt: "2026-12-23T00:00:00.000Z",
    }));
    const message = JSON.parse(body(unit(events))) as { events: unknown[] };
    message.events.push(["broken-1", SUB, "calls", 12, "not an object", null]);
    expect((await deliver([JSON.stringify(message)])).batchItemFailures).toEqual([]);
    const reported = await new EventStore().errors(organizationId, "2026-12-23", "2026-12-24");
    expect(reported.map((e) => [e.transactionId, e.reason])).toEqual([["broken-1", "invalid_event"]]);
    for (const event of events)
      expect(await new EventStore().get(organizationId, SUB, event.transactionId)).toBeDefined();
    await invariant();
  });
});
