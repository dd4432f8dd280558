/**
 * Invoicing's figures for `npm run bench`: what one billing clock run reads, how its fan-out
 * enqueues 100,000 due subscriptions, and what one invoice costs from its period's close to its
 * finalization. Every figure is counted from the calls the real handlers make (the billing clock,
 * its scanners and invoicing's worker, invoked as Lambda would invoke them); DynamoDB capacity is
 * computed by AWS's rules from the items read and written (capacity.ts).
 *
 * moto_server runs the invoice's lifecycle and the clock's scan of 1,000 due schedules. The scans
 * among 100,000 schedules run against an in-memory stand-in of the due index below the SDK's
 * network layer (stand-in.ts), because moto reads every item of the table for each index query
 * (a run over 100,000 items takes it minutes); the stand-in must read what moto read at 1,000, in
 * as many queries. BENCH_MOTO_100K=1 also scans 1,000 due among 100,000 on moto. The clock's SQS
 * sends are answered in-process in those runs, counted as sent.
 */
import { createHash, randomUUID } from "node:crypto";
import { DynamoDBClient } from "@aws-sdk/client-dynamodb";
import { DeleteMessageBatchCommand, ReceiveMessageCommand, SQSClient } from "@aws-sdk/client-sqs";
import {
  BatchWriteCommand,
  DynamoDBDocumentClient,
  GetCommand,
  type PutCommand,
} from "@aws-sdk/lib-dynamodb";
import { marshall } from "@aws-sdk/util-dynamodb";
import type { Context, SQSBatchResponse, SQSEvent } from "aws-lambda";
import { functions } from "../infra/wiring.js";
import type { CloseDue } from "../shared/src/contracts/invoicing-messages.js";
import { documentClient, eventBridgeClient, sqsClient } from "../shared/src/platform/aws-clients.js";
import { invoicingTable } from "../shared/src/platform/resources.js";
import { invoke, testContext } from "../test/support/api-events.js";
import { sqsEvent } from "../test/support/sqs-events.js";
import { meterCalls, meterDynamo, newMeter, type StoredItem, stubNetwork } from "./meter.js";
import { ASSUMED, PRICES } from "./prices.js";
import { dynamoStandIn, QueuesStandIn, TableStandIn } from "./stand-in.js";

type Report = (name: string, value: number, unit: string) => void;
type Item = Record<string, unknown>;
type QueueHandler = (event: SQSEvent, context: Context) => Promise<unknown>;
/** Any SDK client: only its middleware stack (and, to stand in, its config) is used. */
type Client = {
  middlewareStack: { add(...args: never[]): void; remove(name: string): boolean };
  config: object;
};

const fn = (id: string) => {
  const spec = functions.find((candidate) => candidate.id === id);
  if (!spec) throw new Error(`no function ${id} in the wiring`);
  return spec;
};
const batchSizeOf = (id: string) => fn(id).consumes?.batchSize ?? 1;

// ---------------------------------------------------------------------------------------------
// Invocations: each one's AWS calls counted, and held to the budget its Lambda timeout allows.

/** An invocation that made more calls than its timeout allows: Lambda would have stopped it. */
class TimedOut extends Error {}

/**
 * The calls one invocation may make: its function's timeout at the assumed round trip of one
 * call (ASSUMED.sqsSendMs, the slowest the bench assumes), calls made one after another. An
 * invocation past it fails as a timed-out Lambda would, and its message is delivered again.
 */
const callBudget = (id: string) =>
  // BENCH_SCANNER_CALL_BUDGET (a smaller budget) shows what a scanner cut short would cost.
  id === "invoicing-clock-scanner" && process.env.BENCH_SCANNER_CALL_BUDGET
    ? Number(process.env.BENCH_SCANNER_CALL_BUDGET)
    : Math.floor((fn(id).timeoutSeconds * 1000) / ASSUMED.sqsSendMs);

class Invocations {
  private calls = 0;
  private budget = Number.POSITIVE_INFINITY;
  /** Invocations made, per function. */
  readonly count = new Map<string, number>();
  /** The most calls one invocation made, per function. */
  readonly maxCalls = new Map<string, number>();

  /** Counts every call of these clients (the ones the handlers use) against the running invocation. */
  attach(clients: readonly Client[]): () => void {
    const name = "invocationCalls";
    for (const client of clients) {
      (client.middlewareStack.add as (middleware: unknown, options: object) => void)(
        (next: (args: unknown) => Promise<unknown>) => async (args: unknown) => {
          this.calls++;
          if (this.calls > this.budget) throw new TimedOut(`over ${this.budget} calls`);
          return next(args);
        },
        { step: "initialize", name },
      );
    }
    return () => {
      for (const client of clients) client.middlewareStack.remove(name);
    };
  }

  async run<T>(id: string, work: () => Promise<T>): Promise<T> {
    this.calls = 0;
    this.budget = callBudget(id);
    this.count.set(id, (this.count.get(id) ?? 0) + 1);
    try {
      return await work();
    } finally {
      this.maxCalls.set(id, Math.max(this.maxCalls.get(id) ?? 0, this.calls));
      this.budget = Number.POSITIVE_INFINITY;
    }
  }

  reset(): void {
    this.count.clear();
    this.maxCalls.clear();
  }

  total(): number {
    return [...this.count.values()].reduce((a, b) => a + b, 0);
  }
}

interface Handlers {
  readonly clock: (event: { now: string }, context: Context) => Promise<unknown>;
  readonly scanner: QueueHandler;
  readonly worker: QueueHandler;
}

async function handlers(): Promise<Handlers> {
  const { handler: clock } = await import("../services/invoicing/src/handlers/clock.js");
  const { handler: scanner } = await import("../services/invoicing/src/handlers/clock-scanner.js");
  const { handler: worker } = await import("../services/invoicing/src/handlers/billing-worker.js");
  return { clock, scanner, worker } as unknown as Handlers;
}

const failuresOf = (answer: unknown) => (answer as SQSBatchResponse).batchItemFailures;

/**
 * Delivers a moto queue to its function as Lambda's poller would (its batch size, one receive and
 * one delete per batch), until the queue is empty. Returns the poller's requests.
 */
async function deliverMoto(
  sqs: SQSClient,
  queueUrl: string,
  id: string,
  handler: QueueHandler,
  invocations: Invocations,
): Promise<number> {
  let requests = 0;
  for (;;) {
    const { Messages = [] } = await sqs.send(
      new ReceiveMessageCommand({ QueueUrl: queueUrl, MaxNumberOfMessages: batchSizeOf(id) }),
    );
    if (Messages.length === 0) return requests;
    const event = sqsEvent(Messages.map((m) => ({ body: m.Body as string, messageId: m.MessageId })));
    const failed = failuresOf(await invocations.run(id, () => handler(event, testContext())));
    if (failed.length > 0) throw new Error(`${id} failed on ${JSON.stringify(failed)}`);
    await sqs.send(
      new DeleteMessageBatchCommand({
        QueueUrl: queueUrl,
        Entries: Messages.map((m, i) => ({ Id: String(i), ReceiptHandle: m.ReceiptHandle as string })),
      }),
    );
    requests += 2;
  }
}

// ---------------------------------------------------------------------------------------------
// Billing schedules to scan, made by the store's own save.

/** A stable UUID for a name, so every run seeds the same subscriptions (and the same shards). */
const uuidOf = (name: string) => {
  const hex = createHash("sha256").update(name).digest("hex");
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-4${hex.slice(13, 16)}-8${hex.slice(17, 20)}-${hex.slice(20, 32)}`;
};

/**
 * `count` billing schedules due at `dueAt`, as BillingScheduleStore.save writes them (captured
 * from its put, not sent), spread over 100 organizations.
 */
async function scheduleItems(first: number, count: number, dueAt: string, table: string): Promise<Item[]> {
  const { BillingScheduleStore, unsavedSchedule } = await import(
    "../services/invoicing/src/store/billing-schedule-store.js"
  );
  const items: Item[] = [];
  const capture = {
    send: async (command: PutCommand) => {
      items.push(command.input.Item as Item);
      return {};
    },
  } as unknown as DynamoDBDocumentClient;
  const store = new BillingScheduleStore(capture, table);
  for (let i = first; i < first + count; i++) {
    const schedule = unsavedSchedule(
      uuidOf(`organization-${i % 100}`),
      uuidOf(`subscription-${i}`),
      `sub_${i}`,
    );
    // Monthly subscriptions billed through the month before they are due.
    await store.save(schedule, { billedThrough: "2026-10-15T00:00:00.000Z", dueAt });
  }
  return items;
}

/** BatchWriteItem to moto, 25 items a call, 8 calls in flight (seeding, not measured). */
async function seedMoto(
  client: DynamoDBDocumentClient,
  table: string,
  items: readonly Item[],
): Promise<void> {
  let next = 0;
  const writer = async () => {
    while (next < items.length) {
      const chunk = items.slice(next, next + 25);
      next += 25;
      const { UnprocessedItems } = await client.send(
        new BatchWriteCommand({ RequestItems: { [table]: chunk.map((Item) => ({ PutRequest: { Item } })) } }),
      );
      if (Object.keys(UnprocessedItems ?? {}).length > 0) throw new Error("moto left items unprocessed");
    }
  };
  await Promise.all(Array.from({ length: 8 }, writer));
}

// ---------------------------------------------------------------------------------------------
// The clock's runs, its queues stood in (and, at 100,000 schedules, its due index).

interface RunReads {
  readonly readUnits: number;
  readonly queries: number;
}

interface StandIn {
  readonly queues: QueuesStandIn;
  restore(): void;
}

/**
 * SQS stood in below the network, and DynamoDB too with a `table`; without one, DynamoDB is
 * moto's. The clock's jobs are counted as sent, not billed: moto's SQS slows with every message
 * a queue holds (a 1,000-job run takes it 20 s), and only the clock's own calls are measured here.
 */
function standIn(table?: TableStandIn): StandIn {
  const dynamo = documentClient() as unknown as Client;
  const sqs = sqsClient() as unknown as Client;
  const saved = [dynamo, sqs].map((client) => (client.config as { requestHandler: unknown }).requestHandler);
  const queues = new QueuesStandIn();
  if (table) stubNetwork(dynamo, dynamoStandIn([table]));
  stubNetwork(sqs, queues.answer);
  return {
    queues,
    restore: () => {
      Object.assign(dynamo.config, { requestHandler: saved[0] });
      Object.assign(sqs.config, { requestHandler: saved[1] });
    },
  };
}

interface StandInRun extends RunReads {
  /** Subscription ids of the `close_due` jobs sent to the billing-jobs queue, in order. */
  readonly jobs: string[];
  readonly redelivered: number;
}

/**
 * One billing clock run at `now`: the clock handler, then each scan it fans out (and each
 * continuation) by the scanner handler, one invocation per batch of the wiring's size, until none
 * is left; a scan that fails is delivered again, as SQS would, until its dead-letter queue.
 */
async function clockRun(
  now: string,
  stand: StandIn,
  { handlers: h, invocations }: { handlers: Handlers; invocations: Invocations },
): Promise<StandInRun> {
  const meter = newMeter();
  meterDynamo(documentClient(), meter);
  const scansQueue = process.env.CLOCK_SCANS_QUEUE_URL as string;
  const jobsQueue = process.env.BILLING_JOBS_QUEUE_URL as string;
  let redelivered = 0;
  const receives = new Map<string, number>();
  const maxReceives = fn("invoicing-clock-scanner").consumes?.queue.maxReceiveCount ?? 1;
  try {
    await invocations.run("invoicing-clock", () => h.clock({ now }, testContext()));
    for (;;) {
      const bodies = stand.queues.take(scansQueue, batchSizeOf("invoicing-clock-scanner"));
      if (bodies.length === 0) break;
      const event = sqsEvent(bodies.map((body, index) => ({ body, messageId: String(index) })));
      const failed = failuresOf(
        await invocations.run("invoicing-clock-scanner", () => h.scanner(event, testContext())),
      );
      for (const { itemIdentifier } of failed) {
        // Delivered again, as SQS would after the visibility timeout, until its dead-letter queue.
        const body = bodies[Number(itemIdentifier)] as string;
        const count = (receives.get(body) ?? 1) + 1;
        receives.set(body, count);
        redelivered++;
        if (count <= maxReceives) stand.queues.sent.get(scansQueue)?.push(body);
      }
    }
    const jobs = stand.queues
      .take(jobsQueue, Number.MAX_SAFE_INTEGER)
      .map((body) => JSON.parse(body) as { kind: string } & Partial<CloseDue>)
      .filter((job) => job.kind === "close_due")
      .map((job) => job.subscriptionId as string);
    return { readUnits: meter.readUnits, queries: meter.total("Query"), jobs, redelivered };
  } finally {
    documentClient().middlewareStack.remove("capacityMeter");
  }
}

const wire = (items: readonly Item[]) => items.map((item) => marshall(item, { removeUndefinedValues: true }));

// ---------------------------------------------------------------------------------------------
// One invoice with three charges, from its period's close to its finalization, on moto.

interface InvoiceFigures {
  readonly readUnits: number;
  readonly writeUnits: number;
  readonly sqsRequests: number;
  readonly lambdaRequests: number;
  readonly domainEvents: number;
  readonly idleReadUnits: number;
  readonly runs: number;
  /** Of `readUnits`, what the reviews of the draft read in the runs between its close and its finalization. */
  readonly reviewReadUnits: number;
}

interface Tally {
  readonly dynamo: ReturnType<typeof newMeter>;
  readonly sqs: ReturnType<typeof newMeter>;
  /** EventBridge entries put (each one billed as an event). */
  events: number;
  pollerRequests: number;
}

const PERIOD_CLOSE = "2026-10-31T23:00:00.000Z"; // November 1, 00:00 in Paris
const GRACE_DAYS = 1;

async function seedInvoiceCatalog(): Promise<{ organizationId: string; externalSubscriptionId: string }> {
  const { createOrganization } = await import("../services/catalog/src/organizations/create-organization.js");
  const { OrganizationStore } = await import("../shared/src/store/organization-store.js");
  const { handler: catalogApi } = await import("../services/catalog/src/handlers/api.js");
  const at = "2026-09-30T22:00:00Z"; // October 1 in Paris: the subscription starts as it is made
  const { organization, apiKey } = await createOrganization(new OrganizationStore(), {
    name: "Bench invoices",
    now: at,
  });
  const call = async (routeKey: string, body: unknown) => {
    const answer = await invoke(catalogApi, routeKey, { apiKey, body, at });
    if (answer.status !== 200)
      throw new Error(`${routeKey} answered ${answer.status}: ${JSON.stringify(answer.body)}`);
  };
  const metrics = [
    { code: "api_calls", aggregation_type: "count_agg" },
    { code: "storage_gb", aggregation_type: "sum_agg", field_name: "gb" },
    { code: "seats", aggregation_type: "max_agg", field_name: "seats" },
  ];
  for (const metric of metrics)
    await call("POST /api/v1/billable_metrics", { billable_metric: { name: metric.code, ...metric } });
  await call("POST /api/v1/plans", {
    plan: {
      name: "Pro",
      code: "pro",
      interval: "monthly",
      amount_cents: 4900,
      amount_currency: "EUR",
      charges: [
        { billable_metric_code: "api_calls", charge_model: "standard", properties: { amount: "0.002" } },
        {
          billable_metric_code: "storage_gb",
          charge_model: "graduated",
          properties: {
            graduated_ranges: [
              { from_value: 0, to_value: 100, per_unit_amount: "0.1", flat_amount: "0" },
              { from_value: 101, to_value: null, per_unit_amount: "0.05", flat_amount: "0" },
            ],
          },
        },
        {
          billable_metric_code: "seats",
          charge_model: "package",
          properties: { amount: "10", package_size: 5, free_units: 0 },
        },
      ],
    },
  });
  await call("POST /api/v1/customers", {
    customer: {
      external_id: "cus_invoice",
      name: "Customer",
      timezone: "Europe/Paris",
      billing_configuration: { invoice_grace_period: GRACE_DAYS },
    },
  });
  await call("POST /api/v1/subscriptions", {
    subscription: {
      external_customer_id: "cus_invoice",
      plan_code: "pro",
      external_id: "sub_invoice",
      subscription_at: "2026-09-30T22:00:00Z", // October 1 in Paris
    },
  });
  return { organizationId: organization.id, externalSubscriptionId: "sub_invoice" };
}

/** October's usage on the three metrics, through the events consumer (before anything is metered). */
async function deliverUsage(organizationId: string, externalSubscriptionId: string): Promise<void> {
  const { handler: consumer } = await import("../services/aggregate/src/handlers/events-consumer.js");
  const events = Array.from({ length: 30 }, (_, i) => {
    const timestamp = new Date(Date.parse("2026-10-05T08:00:00Z") + i * 17 * 3_600_000).toISOString();
    const [code, properties] =
      i % 3 === 0
        ? ["api_calls", {}]
        : i % 3 === 1
          ? ["storage_gb", { gb: String(10 + i) }]
          : ["seats", { seats: String(i) }];
    return [`usage-${i}`, externalSubscriptionId, code, timestamp, properties, null];
  });
  const body = JSON.stringify({
    unitId: randomUUID(),
    organizationId,
    receivedAt: "2026-10-20T00:00:00.000Z",
    events,
  });
  const failed = failuresOf(await consumer(sqsEvent([body]), testContext()));
  if (failed.length > 0) throw new Error("the events consumer refused the usage");
}

async function invoiceLifecycle(
  h: Handlers,
  sqs: SQSClient,
  invocations: Invocations,
  stored: StoredItem,
  raw: DynamoDBDocumentClient,
): Promise<InvoiceFigures> {
  const { InvoiceStore } = await import("../services/invoicing/src/store/invoice-store.js");
  const table = process.env[invoicingTable.envVar] as string;
  const scansQueue = process.env.CLOCK_SCANS_QUEUE_URL as string;
  const jobsQueue = process.env.BILLING_JOBS_QUEUE_URL as string;
  const seeded = await seedInvoiceCatalog();
  await deliverUsage(seeded.organizationId, seeded.externalSubscriptionId);
  // Invoicing hears of the subscription (its schedule is set): not part of the invoice's cost.
  await deliverMoto(sqs, jobsQueue, "invoicing-worker", h.worker, invocations);

  const tally = (): Tally => {
    const t: Tally = { dynamo: newMeter(), sqs: newMeter(), events: 0, pollerRequests: 0 };
    meterDynamo(documentClient(), t.dynamo, stored);
    meterCalls(sqsClient(), t.sqs);
    (eventBridgeClient().middlewareStack.add as (middleware: unknown, options: object) => void)(
      (next: (args: { input: { Entries?: unknown[] } }) => Promise<unknown>) =>
        async (args: { input: { Entries?: unknown[] } }) => {
          t.events += args.input.Entries?.length ?? 0;
          return next(args);
        },
      { step: "initialize", name: "eventEntries" },
    );
    return t;
  };
  const untally = () => {
    documentClient().middlewareStack.remove("capacityMeter");
    sqsClient().middlewareStack.remove("callMeter");
    eventBridgeClient().middlewareStack.remove("eventEntries");
  };
  const run = async (now: string, t: Tally) => {
    await invocations.run("invoicing-clock", () => h.clock({ now }, testContext()));
    t.pollerRequests += await deliverMoto(sqs, scansQueue, "invoicing-clock-scanner", h.scanner, invocations);
    t.pollerRequests += await deliverMoto(sqs, jobsQueue, "invoicing-worker", h.worker, invocations);
  };
  const invoices = new InvoiceStore(raw, table);

  // A run with nothing to bill and no draft: what every run costs whatever is billed.
  invocations.reset();
  const idle = tally();
  try {
    await run(new Date(Date.parse(PERIOD_CLOSE) - 15 * 60_000).toISOString(), idle);
  } finally {
    untally();
  }
  if ((await invoices.list(seeded.organizationId)).length !== 0) throw new Error("billed before the close");
  const idleLambda = invocations.total();

  // Every run from the close (a draft) to the end of the grace period (finalized), 15 minutes apart.
  invocations.reset();
  const t = tally();
  let runs = 0;
  let reviewReadUnits = 0;
  try {
    for (let at = Date.parse(PERIOD_CLOSE); ; at += 15 * 60_000) {
      const readBefore = t.dynamo.readUnits;
      await run(new Date(at).toISOString(), t);
      runs++;
      const runReads = t.dynamo.readUnits - readBefore - idle.dynamo.readUnits;
      const [invoice, ...others] = await invoices.list(seeded.organizationId);
      if (!invoice || others.length > 0) throw new Error("the close made no invoice, or more than one");
      if (runs === 1 && (invoice.status !== "draft" || invoice.fees.length < 3))
        throw new Error(`the close made a ${invoice.status} invoice of ${invoice.fees.length} fees`);
      if (invoice.status === "finalized") {
        if (invoice.sequentialId !== 1) throw new Error(`finalized as number ${invoice.sequentialId}`);
        break;
      }
      if (runs > 1) reviewReadUnits += runReads;
      if (runs > 200) throw new Error("the draft was never finalized");
    }
  } finally {
    untally();
  }
  const sqsOf = (m: Tally) => m.sqs.total("SendMessageBatch") + m.pollerRequests;
  const eventsOf = (m: Tally) => m.events;
  // What the invoice adds to the runs it spans: their total, less as many idle runs.
  return {
    readUnits: t.dynamo.readUnits - runs * idle.dynamo.readUnits,
    writeUnits: t.dynamo.writeUnits - runs * idle.dynamo.writeUnits,
    sqsRequests: sqsOf(t) - runs * sqsOf(idle),
    lambdaRequests: invocations.total() - runs * idleLambda,
    domainEvents: eventsOf(t) - runs * eventsOf(idle),
    idleReadUnits: idle.dynamo.readUnits,
    runs,
    reviewReadUnits,
  };
}

// ---------------------------------------------------------------------------------------------

/** Due at T1: the 1,000; due at T2 (after T1): the 99,000 others. Both after the invoice's dates. */
const T1 = "2026-11-15T00:00:00.000Z";
const T2 = "2026-11-20T00:00:00.000Z";
const T_ALL = "2027-01-01T00:00:00.000Z";

/** The invoicing figures; moto_server is already started (the harness), its tables empty. */
export async function invoicingFigures(report: Report): Promise<void> {
  const h = await handlers();
  const invocations = new Invocations();
  const sqs = new SQSClient({});
  const raw = DynamoDBDocumentClient.from(new DynamoDBClient({}));
  const table = process.env[invoicingTable.envVar] as string;
  const detach = invocations.attach([
    documentClient(),
    sqsClient(),
    eventBridgeClient(),
  ] as unknown as Client[]);
  try {
    // One invoice first, while the tables are small.
    const stored: StoredItem = async (name, key) => {
      const { Item } = await raw.send(
        new GetCommand({ TableName: name, Key: { pk: key.pk?.S, sk: key.sk?.S }, ConsistentRead: true }),
      );
      return Item ? marshall(Item, { removeUndefinedValues: true }) : undefined;
    };
    const invoice = await invoiceLifecycle(h, sqs, invocations, stored, raw);
    report("ddb_units_per_invoice_read", invoice.readUnits, "RRU/invoice");
    report("ddb_units_per_invoice_write", invoice.writeUnits, "WRU/invoice");
    report("clock_runs_per_invoice", invoice.runs, "runs");
    report("invoice_grace_review_read_units", invoice.reviewReadUnits, "RRU/invoice");
    report("clock_idle_run_read_units", invoice.idleReadUnits, "RRU/run");
    const usd =
      1000 *
      ((invoice.readUnits / 1e6) * PRICES.dynamoPerMillionReadUnits +
        (invoice.writeUnits / 1e6) * PRICES.dynamoPerMillionWriteUnits +
        (invoice.sqsRequests / 1e6) * PRICES.sqsPerMillionRequests +
        (invoice.lambdaRequests / 1e6) * PRICES.lambdaPerMillionRequests +
        (invoice.domainEvents / 1e6) * PRICES.eventBridgePerMillionEvents);
    report("invoice_sqs_requests", invoice.sqsRequests, "requests/invoice");
    report("invoice_lambda_requests", invoice.lambdaRequests, "requests/invoice");
    report("usd_per_thousand_invoices", usd, "USD");

    // The clock's reads: 1,000 due of 1,000 on moto, and the stand-in on the same 1,000.
    invocations.reset();
    const dueFirst = await scheduleItems(0, 1000, T1, table);
    await seedMoto(raw, table, dueFirst);
    const onMoto = async (now: string) => {
      const stand = standIn();
      try {
        return await clockRun(now, stand, { handlers: h, invocations });
      } finally {
        stand.restore();
      }
    };
    const ofThousand = await onMoto(T1);
    const notDue = await scheduleItems(1000, 99_000, T2, table);
    const thousand = new TableStandIn(table, invoicingTable.indexes);
    for (const item of wire(dueFirst)) thousand.put(item);
    let stand = standIn(thousand);
    let standInThousand: StandInRun;
    try {
      standInThousand = await clockRun(T1, stand, { handlers: h, invocations });
      // Then the 99,000 not due, and the same run again.
      for (const item of wire(notDue)) thousand.put(item);
    } finally {
      stand.restore();
    }
    if (standInThousand.readUnits !== ofThousand.readUnits || standInThousand.queries !== ofThousand.queries)
      throw new Error(
        `the stand-in read ${standInThousand.readUnits} RRU in ${standInThousand.queries} queries where moto read ${ofThousand.readUnits} in ${ofThousand.queries}`,
      );
    stand = standIn(thousand);
    let ofHundredThousand: StandInRun;
    try {
      ofHundredThousand = await clockRun(T1, stand, { handlers: h, invocations });
    } finally {
      stand.restore();
    }
    for (const run of [ofThousand, standInThousand, ofHundredThousand])
      if (run.jobs.length !== 1000 || new Set(run.jobs).size !== 1000)
        throw new Error(
          `a clock run at ${T1} sent ${run.jobs.length} jobs, not one for each of the 1,000 due`,
        );
    report("close_reads_due_1k_of_1k", ofThousand.readUnits, "RRU");
    report("close_reads_due_1k_of_100k", ofHundredThousand.readUnits, "RRU");
    report("close_reads_ratio_100k_vs_1k", ofHundredThousand.readUnits / ofThousand.readUnits, "ratio");
    if (process.env.BENCH_MOTO_100K) {
      // The same on moto (two minutes more): 99,000 schedules written to it in bulk.
      await seedMoto(raw, table, notDue);
      report("close_reads_due_1k_of_100k_moto", (await onMoto(T1)).readUnits, "RRU");
    }

    const all = new TableStandIn(table, invoicingTable.indexes);
    for (const item of wire(await scheduleItems(0, 100_000, T_ALL, table))) all.put(item);
    stand = standIn(all);
    invocations.reset();
    try {
      const first = await clockRun(T_ALL, stand, { handlers: h, invocations });
      const seen = new Set(first.jobs);
      report("clock_jobs_per_due_subscription", first.jobs.length / all.size, "jobs/subscription");
      report("clock_due_subscriptions_missed", all.size - seen.size, "subscriptions");
      report("clock_jobs_enqueued_twice", first.jobs.length - seen.size, "jobs");
      report("clock_max_calls_per_invocation", Math.max(...invocations.maxCalls.values()), "calls");
      report(
        "clock_scanner_invocations_for_100k_due",
        invocations.count.get("invoicing-clock-scanner") ?? 0,
        "invocations",
      );
      if (first.redelivered > 0) report("clock_scans_redelivered", first.redelivered, "scans");
      // Runs until every due subscription has its job: later runs (if any) send the still-due again.
      let runs = 1;
      for (let at = Date.parse(T_ALL); seen.size < all.size && runs < 10; runs++) {
        at += 15 * 60_000;
        const next = await clockRun(new Date(at).toISOString(), stand, { handlers: h, invocations });
        for (const id of next.jobs) seen.add(id);
      }
      report("clock_runs_for_100k_due", seen.size === all.size ? runs : Number.NaN, "runs");
    } finally {
      stand.restore();
    }
  } finally {
    detach();
    sqs.destroy();
    raw.destroy();
  }
}
