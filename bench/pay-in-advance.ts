/**
 * Pay-in-advance charges' figures for `npm run bench`: what an instant charge adds to each event,
 * on moto. Events go through the events consumer's handler (which hands them to invoicing's inbox)
 * and the invoicing worker's handler, invoked as Lambda would invoke them; only what the instant
 * charge adds is counted: the worker's DynamoDB reads and writes (capacity by AWS's rules from the
 * items before and after each write, capacity.ts), the handover's SQS sends and the poller's
 * receives and deletes, the worker's invocations and the domain events it puts on the bus. The
 * consumer's own work is the same with or without the charge (its catalog reads are cached).
 *
 * The dollar figure is computed from those counted units and calls and AWS's on-demand list prices
 * (prices.ts), the worker's duration from its counted calls at the assumed round trips.
 */
import { randomUUID } from "node:crypto";
import { DynamoDBClient } from "@aws-sdk/client-dynamodb";
import { DeleteMessageBatchCommand, ReceiveMessageCommand, SQSClient } from "@aws-sdk/client-sqs";
import { DynamoDBDocumentClient, GetCommand } from "@aws-sdk/lib-dynamodb";
import { marshall } from "@aws-sdk/util-dynamodb";
import type { Context, SQSBatchResponse, SQSEvent } from "aws-lambda";
import { documentClient, eventBridgeClient, sqsClient } from "#shared/platform/aws-clients.js";
import { functions } from "../infra/wiring.js";
import { invoke, testContext } from "../test/support/api-events.js";
import { sqsEvent } from "../test/support/sqs-events.js";
import { meterCalls, meterDynamo, newMeter, type StoredItem } from "./meter.js";
import { ASSUMED, PRICES } from "./prices.js";

type Report = (name: string, value: number, unit: string) => void;
type QueueHandler = (event: SQSEvent, context: Context) => Promise<unknown>;
type ApiHandler = Parameters<typeof invoke>[0];

/** Units of the consumer measured, and events in each (one subscription): 200 events. */
const UNITS = 20;
const EVENTS_PER_UNIT = 10;
const START = "2026-05-01T00:00:00Z";

const workerBatch = functions.find((spec) => spec.id === "invoicing-worker")?.consumes?.batchSize ?? 10;

interface Seeded {
  readonly organizationId: string;
  readonly subscription: string;
}

/** An organization whose plan bills `code` in advance: graduated and invoiceable, or standard standalone. */
async function seed(catalogApi: ApiHandler, invoiceable: boolean): Promise<Seeded> {
  const { createOrganization } = await import("../services/catalog/src/organizations/create-organization.js");
  const { OrganizationStore } = await import("#shared/store/organization-store.js");
  const { organization, apiKey } = await createOrganization(new OrganizationStore(), {
    name: invoiceable ? "Bench instant invoices" : "Bench instant fees",
    now: START,
  });
  const ok = async (routeKey: string, body: unknown) => {
    const answer = await invoke(catalogApi, routeKey, { apiKey, body, at: START });
    if (answer.status !== 200) throw new Error(`${routeKey} answered ${answer.status}`);
  };
  await ok("POST /api/v1/billable_metrics", {
    billable_metric: { name: "Calls", code: "calls", aggregation_type: "count_agg" },
  });
  await ok("POST /api/v1/plans", {
    plan: {
      name: "Instant",
      code: "instant",
      interval: "monthly",
      amount_cents: 1000,
      amount_currency: "EUR",
      charges: [
        invoiceable
          ? {
              billable_metric_code: "calls",
              charge_model: "graduated",
              pay_in_advance: true,
              invoiceable: true,
              properties: {
                graduated_ranges: [
                  { from_value: 0, to_value: 2, per_unit_amount: "0", flat_amount: "0" },
                  { from_value: 3, to_value: null, per_unit_amount: "2", flat_amount: "0" },
                ],
              },
            }
          : {
              billable_metric_code: "calls",
              charge_model: "standard",
              pay_in_advance: true,
              invoiceable: false,
              properties: { amount: "10" },
            },
      ],
    },
  });
  await ok("POST /api/v1/customers", {
    customer: { external_id: "cus_1", name: "Customer", currency: "EUR" },
  });
  await ok("POST /api/v1/subscriptions", {
    subscription: {
      external_customer_id: "cus_1",
      plan_code: "instant",
      external_id: "sub_1",
      subscription_at: START,
    },
  });
  return { organizationId: organization.id, subscription: "sub_1" };
}

/**
 * Hands a moto queue to a handler as Lambda's poller would (its batch size, one receive and one
 * delete per batch, one invocation per batch), until empty. The batch's messages are handled one
 * after another: moto does not isolate concurrent transactions as DynamoDB does (two at once on
 * one item can both commit, or fail it), and what is measured is each event's own cost, not the
 * retries of events of one subscription colliding (each collision adds a read and a transaction).
 */
async function deliver(sqs: SQSClient, queueUrl: string, batch: number, handler: QueueHandler) {
  let requests = 0;
  let invocations = 0;
  for (;;) {
    const { Messages = [] } = await sqs.send(
      new ReceiveMessageCommand({ QueueUrl: queueUrl, MaxNumberOfMessages: batch }),
    );
    if (Messages.length === 0) return { requests, invocations };
    for (const message of Messages) {
      const event = sqsEvent([{ body: message.Body as string, messageId: message.MessageId }]);
      const answer = (await handler(event, testContext())) as SQSBatchResponse;
      if (answer.batchItemFailures.length > 0) throw new Error("the worker failed a message");
    }
    await sqs.send(
      new DeleteMessageBatchCommand({
        QueueUrl: queueUrl,
        Entries: Messages.map((m, i) => ({ Id: String(i), ReceiptHandle: m.ReceiptHandle as string })),
      }),
    );
    requests += 2;
    invocations += 1;
  }
}

interface AdvanceFigures {
  readonly readUnits: number;
  readonly writeUnits: number;
  readonly dynamoCalls: number;
  readonly sqsRequests: number;
  readonly lambdaRequests: number;
  readonly domainEvents: number;
}

async function measure(invoiceable: boolean, stored: StoredItem): Promise<AdvanceFigures> {
  const { handler: catalogApi } = await import("../services/catalog/src/handlers/api.js");
  const { handler: consumer } = await import("../services/aggregate/src/handlers/events-consumer.js");
  const { handler: worker } = await import("../services/invoicing/src/handlers/billing-worker.js");
  const sqs = new SQSClient({});
  const jobsQueue = process.env.BILLING_JOBS_QUEUE_URL as string;
  try {
    const seeded = await seed(catalogApi as unknown as ApiHandler, invoiceable);
    // Invoicing hears of the subscription: not part of any event's cost.
    await deliver(sqs, jobsQueue, workerBatch, worker as unknown as QueueHandler);

    const dynamo = newMeter();
    const handover = newMeter();
    let events = 0;
    const units = Array.from({ length: UNITS }, (_, unit) =>
      JSON.stringify({
        unitId: randomUUID(),
        organizationId: seeded.organizationId,
        receivedAt: "2026-05-10T00:00:00.000Z",
        events: Array.from({ length: EVENTS_PER_UNIT }, (_, i) => [
          `u${unit}-e${i}`,
          seeded.subscription,
          "calls",
          new Date(Date.parse("2026-05-10T00:00:00Z") + (unit * EVENTS_PER_UNIT + i) * 1000).toISOString(),
          {},
          null,
        ]),
      }),
    );
    // The consumer's handover: its sends are what the instant charge adds to it.
    meterCalls(sqsClient(), handover);
    try {
      for (const body of units) {
        const answer = (await consumer(sqsEvent([body]), testContext())) as SQSBatchResponse;
        if (answer.batchItemFailures.length > 0) throw new Error("the consumer failed a unit");
      }
    } finally {
      sqsClient().middlewareStack.remove("callMeter");
    }
    // The worker, all of whose work on these messages is the instant charge's.
    meterDynamo(documentClient(), dynamo, stored);
    (eventBridgeClient().middlewareStack.add as (middleware: unknown, options: object) => void)(
      (next: (args: { input: { Entries?: unknown[] } }) => Promise<unknown>) =>
        async (args: { input: { Entries?: unknown[] } }) => {
          events += args.input.Entries?.length ?? 0;
          return next(args);
        },
      { step: "initialize", name: "eventEntries" },
    );
    let poller: { requests: number; invocations: number };
    try {
      poller = await deliver(sqs, jobsQueue, workerBatch, worker as unknown as QueueHandler);
    } finally {
      documentClient().middlewareStack.remove("capacityMeter");
      eventBridgeClient().middlewareStack.remove("eventEntries");
    }
    const billed = UNITS * EVENTS_PER_UNIT;
    await checkBilled(seeded.organizationId, invoiceable, billed);
    return {
      readUnits: dynamo.readUnits / billed,
      writeUnits: dynamo.writeUnits / billed,
      dynamoCalls: [...dynamo.calls.values()].reduce((a, b) => a + b, 0) / billed,
      sqsRequests: (handover.total("SendMessageBatch") + poller.requests) / billed,
      lambdaRequests: poller.invocations / billed,
      domainEvents: events / billed,
    };
  } finally {
    sqs.destroy();
  }
}

/** What was measured must have billed every event once: an invoice each, or a standalone fee each. */
async function checkBilled(organizationId: string, invoiceable: boolean, events: number): Promise<void> {
  const { InvoiceStore } = await import("../services/invoicing/src/store/invoice-store.js");
  const invoices = await new InvoiceStore().list(organizationId);
  const expected = invoiceable ? events : 0;
  if (invoices.length !== expected) throw new Error(`${invoices.length} invoices for ${events} events`);
  if (invoiceable) {
    // Graduated [0–2 free], then 2.00 a call: Σ = 2.00 × (events − 2).
    const total = invoices.reduce((sum, invoice) => sum + invoice.totalAmountCents, 0);
    if (total !== 200 * (events - 2)) throw new Error(`billed ${total} cents for ${events} calls`);
  }
}

/** USD per million events from the counted units and calls (prices.ts), the worker's duration assumed. */
function usdPerMillion(figures: AdvanceFigures): number {
  const million = 1_000_000;
  const workerSeconds =
    (figures.dynamoCalls * ASSUMED.dynamoCallMs + figures.domainEvents * ASSUMED.sqsSendMs) / 1000;
  return (
    figures.readUnits * PRICES.dynamoPerMillionReadUnits +
    figures.writeUnits * PRICES.dynamoPerMillionWriteUnits +
    figures.sqsRequests * PRICES.sqsPerMillionRequests +
    figures.lambdaRequests * PRICES.lambdaPerMillionRequests +
    figures.domainEvents * PRICES.eventBridgePerMillionEvents +
    // 1024 MiB worker: 1 GB-second per second of its calls, one after another.
    workerSeconds * million * PRICES.lambdaArmPerGbSecond
  );
}

export async function payInAdvanceFigures(report: Report): Promise<void> {
  const raw = DynamoDBDocumentClient.from(new DynamoDBClient({}));
  const stored: StoredItem = async (name, key) => {
    const { Item } = await raw.send(
      new GetCommand({ TableName: name, Key: { pk: key.pk?.S, sk: key.sk?.S }, ConsistentRead: true }),
    );
    return Item ? marshall(Item, { removeUndefinedValues: true }) : undefined;
  };
  try {
    for (const invoiceable of [true, false]) {
      const figures = await measure(invoiceable, stored);
      const suffix = invoiceable ? "" : "_standalone";
      report(
        `ddb_units_per_pay_in_advance_event${suffix}`,
        figures.readUnits + figures.writeUnits,
        "RRU+WRU/event",
      );
      report(`ddb_read_units_per_pay_in_advance_event${suffix}`, figures.readUnits, "RRU/event");
      report(`ddb_write_units_per_pay_in_advance_event${suffix}`, figures.writeUnits, "WRU/event");
      report(`pay_in_advance_sqs_requests_per_event${suffix}`, figures.sqsRequests, "requests/event");
      report(`pay_in_advance_domain_events_per_event${suffix}`, figures.domainEvents, "events/event");
      // Computed from the measured units and calls at AWS on-demand list prices (prices.ts).
      report(`usd_per_million_pay_in_advance_events${suffix}`, usdPerMillion(figures), "USD (computed)");
    }
  } finally {
    raw.destroy();
  }
}
