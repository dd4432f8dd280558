/**
 * `npm run bench`: cost and throughput figures, one `name value unit` line each. Figures come from
 * counted SDK calls and DynamoDB capacity computed by AWS's rules from item sizes; the one timing
 * (ingest throughput) is the median of several rounds on one core. Nothing here is a test.
 */
import { createHash, randomUUID } from "node:crypto";
import type { APIGatewayProxyStructuredResultV2 } from "aws-lambda";
import { documentClient, sqsClient } from "../shared/src/platform/aws-clients.js";
import { apiEvent, testContext } from "../test/support/api-events.js";
import { startAwsHarness } from "../test/support/aws-harness.js";
import { seedCatalog } from "../test/support/catalog-fixture.js";
import { meterCalls, meterDynamo, newMeter } from "./meter.js";

process.env.POWERTOOLS_LOG_LEVEL ??= "SILENT";
// Stubbed clients still resolve a region and credentials before the stub answers.
process.env.AWS_REGION ??= "us-east-1";
process.env.AWS_ACCESS_KEY_ID ??= "bench";
process.env.AWS_SECRET_ACCESS_KEY ??= "bench";
const figures: Array<[string, number, string]> = [];
const report = (name: string, value: number, unit: string) => {
  figures.push([name, value, unit]);
  console.log(`${name} ${Number.isInteger(value) ? value : value.toFixed(4)} ${unit}`);
};
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

/** Ingest handler alone, SQS and DynamoDB answered in-process: the API's own cost per event. */
async function ingestThroughput(): Promise<void> {
  process.env.EVENTS_QUEUE_URL = "https://sqs.us-east-1.amazonaws.com/000000000000/events";
  process.env.BILLING_TABLE = "billing";
  const sqsMeter = newMeter();
  const dynamoMeter = newMeter();
  const organization = {
    id: "00000000-0000-4000-8000-000000000000",
    name: "Bench",
    defaultCurrency: "USD",
    timezone: "UTC",
    invoiceGracePeriodDays: 0,
    documentNumberPrefix: "BEN-0000",
    documentNumbering: "per_customer",
    netPaymentTermDays: 0,
    createdAt: "2026-01-01T00:00:00.000Z",
  };
  // SQS answers as AWS would, MD5 of each body included: the client checks it, as in production.
  meterCalls(sqsClient(), sqsMeter, (_name, input) => ({
    Successful: (input.Entries as Array<{ Id: string; MessageBody: string }>).map((entry) => ({
      Id: entry.Id,
      MessageId: randomUUID(),
      MD5OfMessageBody: createHash("md5").update(entry.MessageBody).digest("hex"),
    })),
    Failed: [],
  }));
  meterCalls(documentClient(), dynamoMeter, (_name, input) => {
    const pk = (input.Key as { pk: { S: string } }).pk.S;
    return { Item: pk.startsWith("api_key#") ? { organizationId: organization.id } : organization };
  });
  const { handler } = await import("../services/ingest/src/handlers/api.js");
  const call = async (round: number, request: number) => {
    const event = apiEvent("POST /api/v1/events/batch", {
      apiKey: "bench-key",
      body: batchBody(round, request),
    });
    const result = (await handler(event, testContext())) as APIGatewayProxyStructuredResultV2;
    if (result.statusCode !== 200) throw new Error(`ingest answered ${result.statusCode}: ${result.body}`);
  };
  await call(0, 0); // warm: the API key is cached after this
  sqsMeter.reset();
  dynamoMeter.reset();
  const requests = 200;
  const rates: number[] = [];
  for (let round = 1; round <= 7; round++) {
    const started = process.hrtime.bigint();
    for (let request = 0; request < requests; request++) await call(round, request);
    const seconds = Number(process.hrtime.bigint() - started) / 1e9;
    rates.push((requests * BATCH) / seconds);
  }
  const events = 7 * requests * BATCH;
  report("ingest_events_per_sec_per_core", Math.round(median(rates)), "events/s");
  report("sqs_requests_per_event", sqsMeter.total("SendMessageBatch") / events, "requests/event");
  report("api_requests_per_event", 1 / BATCH, "requests/event");
  report("ingest_ddb_reads_per_event", dynamoMeter.total("GetItem", "Query") / events, "reads/event");
}

/** The consumer against moto_server: every DynamoDB write it makes per event, by AWS's rules. */
async function aggregationCost(): Promise<void> {
  const aws = await startAwsHarness();
  try {
    const seeded = await seedCatalog({
      subscriptionAt: "2026-01-01T00:00:00Z",
      aggregation: "sum_agg",
      at: "2026-01-01T00:00:00Z",
    });
    const meter = newMeter();
    meterDynamo(documentClient(), meter);
    const { storeAndAggregate } = await import("../services/aggregate/src/events/store-and-aggregate.js");
    const { cachedCatalogLookups } = await import("../services/aggregate/src/events/subscription-context.js");
    const { CatalogStore } = await import("../shared/src/store/catalog-store.js");
    const { OrganizationStore } = await import("../shared/src/store/organization-store.js");
    const { EventStore } = await import("../shared/src/store/event-store.js");
    const { UsageStore } = await import("../shared/src/store/usage-store.js");
    const deps = {
      events: new EventStore(),
      usage: new UsageStore(),
      catalog: cachedCatalogLookups(new CatalogStore(), new OrganizationStore()),
      flagDraftForRefresh: async () => undefined,
    };
    const units = 50;
    for (let u = 0; u < units; u++) {
      await storeAndAggregate(
        {
          unitId: randomUUID(),
          organizationId: seeded.organizationId,
          events: Array.from({ length: BATCH }, (_, i) => ({
            lagoId: randomUUID(),
            transactionId: `u${u}-e${i}`,
            externalSubscriptionId: seeded.externalSubscriptionId,
            code: "usage",
            timestamp: new Date(Date.parse("2026-01-10T00:00:00Z") + i * 1000).toISOString(),
            properties: { value: i },
            preciseTotalAmountCents: null,
            receivedAt: "2026-01-10T00:00:00.000Z",
          })),
        },
        deps,
      );
    }
    const events = units * BATCH;
    report("ddb_write_units_per_event", meter.writeUnits / events, "WRU/event");
    report(
      "ddb_write_requests_per_event",
      meter.total("PutItem", "UpdateItem", "BatchWriteItem") / events,
      "requests/event",
    );

    meter.reset();
    const { handler: aggregateApi } = await import("../services/aggregate/src/handlers/api.js");
    const usage = (await aggregateApi(
      apiEvent("GET /api/v1/customers/{external_customer_id}/current_usage", {
        apiKey: seeded.apiKey,
        params: { external_customer_id: seeded.externalCustomerId },
        query: `external_subscription_id=${seeded.externalSubscriptionId}`,
        at: "2026-01-20T00:00:00Z",
      }),
      testContext(),
    )) as APIGatewayProxyStructuredResultV2;
    if (usage.statusCode !== 200) throw new Error(`current usage answered ${usage.statusCode}`);
    report(`current_usage_read_units_at_${events}_events`, meter.readUnits, "RRU");
  } finally {
    await aws.stop();
  }
}

await ingestThroughput();
await aggregationCost();
