/**
 * `npm run bench`: cost and throughput figures, one `name value unit` line each. Figures come from
 * counted SDK calls and DynamoDB capacity computed by AWS's rules from item sizes; the one timing
 * (ingest throughput) is the median of several rounds on one core. Nothing here is a test.
 */
import { execFileSync } from "node:child_process";
import { randomUUID } from "node:crypto";
import { fileURLToPath } from "node:url";
import { marshall } from "@aws-sdk/util-dynamodb";
import type { APIGatewayProxyStructuredResultV2 } from "aws-lambda";
import type { StoreAndAggregateDeps } from "../services/aggregate/src/events/store-and-aggregate.js";
import type { UsageEvent } from "../shared/src/domain/usage-event.js";
import { documentClient, sqsClient } from "../shared/src/platform/aws-clients.js";
import type { EventStore, StoredEvent } from "../shared/src/store/event-store.js";
import { apiEvent, testContext } from "../test/support/api-events.js";
import { startAwsHarness } from "../test/support/aws-harness.js";
import { seedCatalog } from "../test/support/catalog-fixture.js";
import { creditNoteFigures } from "./credit-notes.js";
import { invoicingFigures } from "./invoicing.js";
import { meterCalls, meterDynamo, newMeter, stubNetwork } from "./meter.js";
import { payInAdvanceFigures } from "./pay-in-advance.js";
import { pdfFigures } from "./pdfs.js";
import { ASSUMED, PRICES } from "./prices.js";
import { webhookFigures } from "./webhooks.js";

process.env.POWERTOOLS_LOG_LEVEL ??= "SILENT";
// Stubbed clients still resolve a region and credentials before the stub answers.
process.env.AWS_REGION ??= "us-east-1";
process.env.AWS_ACCESS_KEY_ID ??= "bench";
process.env.AWS_SECRET_ACCESS_KEY ??= "bench";

const report = (name: string, value: number, unit: string) =>
  console.log(`${name} ${Number.isInteger(value) ? value : Number(value.toPrecision(4))} ${unit}`);
const median = (values: number[]) =>
  [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)] as number;

const BATCH = 100;
const batchBody = (round: number, request: number) => ({
  events: Array.from({ length: BATCH }, (_, i) => ({
    transaction_id: `r${round}-q${request}-e${i}`,
    external_subscription_id: "sub_1",
    code: "usage",
    timestamp: 1_767_225_600 + i,
    properties: { value: i },
  })),
});

interface IngestFigures {
  readonly cpuMsPerRequest: number;
  readonly sqsSendsPerEvent: number;
}

/** The batch handler alone, SQS and DynamoDB answered in-process: its own CPU cost per event. */
async function ingest(): Promise<IngestFigures> {
  process.env.EVENTS_QUEUE_URL = "https://sqs.us-east-1.amazonaws.com/000000000000/events";
  process.env.BILLING_TABLE = "billing";
  const sqsMeter = newMeter();
  const dynamoMeter = newMeter();
  const organization = {
    id: "00000000-0000-4000-8000-000000000000",
    name: "Bench",
    defaultCurrency: "USD",
    timezone: "UTC",
    createdAt: "2026-01-01T00:00:00.000Z",
  };
  // Only the network is stubbed: requests are serialized, signed and their answers parsed as in
  // production, by a request handler answering what SQS and DynamoDB would.
  meterCalls(sqsClient(), sqsMeter);
  stubNetwork(sqsClient(), (request) => {
    const entries = (JSON.parse(request.body) as { Entries: Array<{ Id: string }> }).Entries;
    return { Successful: entries.map((entry) => ({ Id: entry.Id, MessageId: randomUUID() })), Failed: [] };
  });
  meterCalls(documentClient(), dynamoMeter);
  stubNetwork(documentClient(), (request) => {
    const pk = (JSON.parse(request.body) as { Key: { pk: { S: string } } }).Key.pk.S;
    return { Item: marshall(pk.startsWith("api_key#") ? { organizationId: organization.id } : organization) };
  });
  const { handler } = await import("../services/ingest/src/handlers/api.js");
  // API Gateway's events are built before the clock starts: the handler's work is what is measured.
  const requestsOf = (round: number, count: number) =>
    Array.from({ length: count }, (_, request) =>
      apiEvent("POST /api/v1/events/batch", { apiKey: "bench-key", body: batchBody(round, request) }),
    );
  const send = async (event: ReturnType<typeof apiEvent>) => {
    const result = (await handler(event, testContext())) as APIGatewayProxyStructuredResultV2;
    if (result.statusCode !== 200) throw new Error(`ingest answered ${result.statusCode}: ${result.body}`);
  };
  // Long enough for V8 to optimize the hot path (a busy function is warm), and to cache the API key.
  for (let warm = 0; warm < 10; warm++) for (const event of requestsOf(-warm, 300)) await send(event);
  sqsMeter.reset();
  dynamoMeter.reset();
  const requests = 200;
  const rounds = 21;
  const rates: number[] = [];
  for (let round = 1; round <= rounds; round++) {
    const events = requestsOf(round, requests);
    // CPU time, not wall time: "per core" is what one core's seconds buy, and the machine's other
    // tenants do not slow a process's own CPU seconds down as they do its wall clock.
    const started = process.cpuUsage();
    for (const event of events) await send(event);
    const used = process.cpuUsage(started);
    rates.push((requests * BATCH) / ((used.user + used.system) / 1e6));
  }
  const events = rounds * requests * BATCH;
  const perSecond = median(rates);
  report("ingest_events_per_sec_per_core", Math.round(perSecond), "events/s");
  report("ingest_ddb_reads_per_event", dynamoMeter.total("GetItem", "Query") / events, "reads/event");
  return {
    cpuMsPerRequest: (1000 * BATCH) / perSecond,
    sqsSendsPerEvent: sqsMeter.total("SendMessageBatch") / events,
  };
}

function usageEvents(unit: number, subscription: string, size = BATCH): UsageEvent[] {
  return Array.from({ length: size }, (_, i) => ({
    lagoId: randomUUID(),
    transactionId: `u${unit}-e${i}`,
    externalSubscriptionId: subscription,
    code: "usage",
    timestamp: new Date(Date.parse("2026-01-10T00:00:00Z") + i * 1000).toISOString(),
    properties: { value: i },
    preciseTotalAmountCents: null,
    receivedAt: "2026-01-10T00:00:00.000Z",
  }));
}

async function consumerDeps(events?: EventStore): Promise<StoreAndAggregateDeps> {
  const { cachedCatalogLookups } = await import("../services/aggregate/src/events/subscription-context.js");
  const { CatalogStore } = await import("../shared/src/store/catalog-store.js");
  const { OrganizationStore } = await import("../shared/src/store/organization-store.js");
  const { EventStore: Events } = await import("../shared/src/store/event-store.js");
  const { UsageStore } = await import("../shared/src/store/usage-store.js");
  return {
    events: events ?? new Events(),
    usage: new UsageStore(),
    catalog: cachedCatalogLookups(new CatalogStore(), new OrganizationStore()),
    reportLateUsage: async () => undefined,
  };
}

/**
 * Raw events kept in memory: the usage path measured at a million events does not depend on them,
 * and writing a million items into moto would take hours.
 */
function inMemoryEvents(): EventStore {
  const units = new Set<string>();
  const stub: Partial<EventStore> = {
    storeOnce: async (event: StoredEvent) => ({ kind: "stored", event }),
    unitRecorded: async (_organizationId, unit) => units.has(unit.unitId),
    recordUnit: async (_organizationId, unit) => {
      units.add(unit.unitId);
    },
    recordedUnits: async (_organizationId, list) =>
      new Set(list.map((unit) => unit.unitId).filter((id) => units.has(id))),
    recordError: async () => undefined,
  };
  return stub as EventStore;
}

interface ConsumerFigures {
  readonly writeUnitsPerEvent: number;
  readonly dynamoCallsPerUnit: number;
}

/** The consumer against moto_server: every DynamoDB write it makes per event, by AWS's rules. */
async function aggregation(): Promise<ConsumerFigures> {
  {
    const seeded = await seedCatalog({
      subscriptionAt: "2026-01-01T00:00:00Z",
      aggregation: "sum_agg",
      at: "2026-01-01T00:00:00Z",
    });
    const meter = newMeter();
    meterDynamo(documentClient(), meter);
    const { storeAndAggregate } = await import("../services/aggregate/src/events/store-and-aggregate.js");
    const deps = await consumerDeps();
    await storeAndAggregate(
      {
        unitId: randomUUID(),
        organizationId: seeded.organizationId,
        events: usageEvents(0, seeded.externalSubscriptionId),
      },
      deps,
    );
    meter.reset();
    const units = 60;
    for (let u = 1; u <= units; u++) {
      const events = usageEvents(u, seeded.externalSubscriptionId);
      await storeAndAggregate({ unitId: randomUUID(), organizationId: seeded.organizationId, events }, deps);
    }
    const events = units * BATCH;
    const writeUnitsPerEvent = meter.writeUnits / events;
    report("ddb_write_units_per_event", writeUnitsPerEvent, "WRU/event");
    report(
      "ddb_write_requests_per_event",
      meter.total("PutItem", "UpdateItem", "TransactWriteItems", "BatchWriteItem") / events,
      "requests/event",
    );
    report("ddb_read_units_per_event_consumer", meter.readUnits / events, "RRU/event");
    const calls = [...meter.calls.values()].reduce((a, b) => a + b, 0);
    documentClient().middlewareStack.remove("capacityMeter");
    return { writeUnitsPerEvent, dynamoCallsPerUnit: calls / units };
  }
}

/** current_usage of a subscription that received a million events, in 10,000 deliveries of 100. */
async function currentUsageAtScale(): Promise<number> {
  {
    const seeded = await seedCatalog({
      subscriptionAt: "2026-01-01T00:00:00Z",
      aggregation: "sum_agg",
      at: "2026-01-01T00:00:00Z",
    });
    const { storeAndAggregate } = await import("../services/aggregate/src/events/store-and-aggregate.js");
    const deps = await consumerDeps(inMemoryEvents());
    const units = 10_000;
    // One unit at a time: moto does not isolate concurrent transactions as DynamoDB does, and
    // concurrent folds of one aggregate would both commit there.
    for (let u = 0; u < units; u++) {
      await storeAndAggregate(
        {
          unitId: randomUUID(),
          organizationId: seeded.organizationId,
          events: usageEvents(u, seeded.externalSubscriptionId),
        },
        deps,
      );
    }
    const meter = newMeter();
    meterDynamo(documentClient(), meter);
    const { handler } = await import("../services/aggregate/src/handlers/api.js");
    const read = async () => {
      const answer = (await handler(
        apiEvent("GET /api/v1/customers/{external_customer_id}/current_usage", {
          apiKey: seeded.apiKey,
          params: { external_customer_id: seeded.externalCustomerId },
          query: `external_subscription_id=${seeded.externalSubscriptionId}`,
          at: "2026-01-20T00:00:00Z",
        }),
        testContext(),
      )) as APIGatewayProxyStructuredResultV2;
      if (answer.statusCode !== 200) throw new Error(`current usage answered ${answer.statusCode}`);
      return JSON.parse(answer.body ?? "{}") as {
        customer_usage: { charges_usage: Array<{ events_count: number }> };
      };
    };
    await read(); // warms the API key cache, as a running function has it
    meter.reset();
    const usage = await read();
    const counted = usage.customer_usage.charges_usage.reduce((sum, charge) => sum + charge.events_count, 0);
    if (counted !== units * BATCH)
      throw new Error(`current usage counted ${counted} events, not ${units * BATCH}`);
    report("current_usage_read_units_at_1m_events", meter.readUnits, "RRU");
    return meter.readUnits;
  }
}

function cost(ingestFigures: IngestFigures, consumer: ConsumerFigures, currentUsageReads: number): void {
  const million = 1_000_000;
  const requests = million / BATCH;
  const invocations = requests / ASSUMED.messagesPerConsumerBatch;
  const api = (requests / million) * PRICES.apiGatewayPerMillionRequests;
  const ingestSeconds = requests * ((ingestFigures.cpuMsPerRequest + ASSUMED.sqsSendMs) / 1000);
  const consumerSeconds =
    invocations *
    ((consumer.dynamoCallsPerUnit * ASSUMED.messagesPerConsumerBatch * ASSUMED.dynamoCallMs) /
      ASSUMED.dynamoConcurrency /
      1000);
  const lambda =
    ((requests + invocations) / million) * PRICES.lambdaPerMillionRequests +
    (ingestSeconds + consumerSeconds) * 1 /* GB (1024 MiB functions) */ * PRICES.lambdaArmPerGbSecond;
  const sqsRequests = ingestFigures.sqsSendsPerEvent * million + 2 * invocations; // sends, receives and deletes
  const sqs = (sqsRequests / million) * PRICES.sqsPerMillionRequests;
  const dynamo = consumer.writeUnitsPerEvent * PRICES.dynamoPerMillionWriteUnits;
  report("sqs_requests_per_event", sqsRequests / million, "requests/event");
  report("usd_per_million_events", api + lambda + sqs + dynamo, "USD");
  report(
    "usd_per_current_usage_call_at_1m_events",
    (currentUsageReads / million) * PRICES.dynamoPerMillionReadUnits,
    "USD",
  );
}

// `npm run bench -- pdfs`: the invoice PDF render alone (CPU only, no emulator; seconds).
if (process.argv[2] === "pdfs") {
  await pdfFigures(report);
  process.exit(0);
}

// `npm run bench -- ingest` measures the ingest handler only (seconds, not minutes);
// `npm run bench -- invoicing` the invoicing figures only; `-- pay-in-advance` the instant charges';
// `-- webhooks` webhook delivery's; `-- credit-notes` a credit note's and a finalization's.
const part = process.argv[2];
const ingestFigures =
  part === "invoicing" || part === "pay-in-advance" || part === "webhooks" || part === "credit-notes"
    ? undefined
    : await ingest();
if (part === "webhooks") {
  // On an emulator of its own, so its clock run bills its invoices only.
  const aws = await startAwsHarness({ webhooks: true });
  try {
    await webhookFigures(report);
  } finally {
    await aws.stop();
  }
} else if (part === "credit-notes") {
  const aws = await startAwsHarness();
  try {
    await creditNoteFigures(report);
  } finally {
    await aws.stop();
  }
} else if (part === "pay-in-advance") {
  const aws = await startAwsHarness();
  try {
    await payInAdvanceFigures(report);
  } finally {
    await aws.stop();
  }
} else if (part !== "ingest") {
  // One emulator for the rest: handlers keep their clients and table names once made, as on Lambda.
  const aws = await startAwsHarness();
  try {
    // Invoicing first, on empty tables: the catalogs seeded below tell invoicing of subscriptions
    // whose billing would otherwise join its clock runs.
    await invoicingFigures(report);
    // Then the instant charges: their subscriptions' schedules are never due in the runs above.
    await payInAdvanceFigures(report);
    await creditNoteFigures(report);
    await pdfFigures(report);
    if (ingestFigures) {
      const consumerFigures = await aggregation();
      const reads = await currentUsageAtScale();
      cost(ingestFigures, consumerFigures, reads);
    }
  } finally {
    await aws.stop();
  }
  // Webhooks in a process of their own: handlers keep the tables they first used.
  if (part === undefined)
    execFileSync(process.execPath, [...process.execArgv, fileURLToPath(import.meta.url), "webhooks"], {
      stdio: "inherit",
    });
}
