/**
 * Webhook delivery's figures for `npm run bench`, on moto: invoices finalized by the billing clock
 * for organizations with two endpoints each (one `hmac`, one `jwt`), their `invoice.created` taken
 * by the bus rule to the webhook events queue, the dispatcher's and the deliverer's handlers
 * invoked as Lambda would invoke them, every endpoint answering 200 at once (a local receiver).
 * Counted: the handlers' SQS and DynamoDB calls (capacity by AWS's rules from the items before and
 * after each write, capacity.ts), the HTTP requests the receiver got, and the bus events.
 *
 * Modelled, not counted (said so in each line): Lambda's pollers receive and delete one batch of
 * `ASSUMED.messagesPerConsumerBatch` messages in one call each; EventBridge sends each event
 * matching the rule to the queue in one SQS request; a Lambda invocation handles one such batch;
 * an endpoint answers in `ENDPOINT_MS`, and each attempt is billed as if alone in its invocation
 * (attempts of one batch really run at once, so this is an upper bound).
 */
import { DynamoDBClient } from "@aws-sdk/client-dynamodb";
import { DeleteMessageBatchCommand, ReceiveMessageCommand, SQSClient } from "@aws-sdk/client-sqs";
import { DynamoDBDocumentClient, GetCommand, ScanCommand } from "@aws-sdk/lib-dynamodb";
import { marshall } from "@aws-sdk/util-dynamodb";
import type { Context, SQSEvent } from "aws-lambda";
import { documentClient, eventBridgeClient, sqsClient } from "#shared/platform/aws-clients.js";
import { invoke, testContext } from "../test/support/api-events.js";
import { startWebhookReceiver } from "../test/support/webhook-receiver.js";
import { receivedEvent } from "../test/support/webhooks.js";
import { itemSize } from "./capacity.js";
import { meterCalls, meterDynamo, newMeter, type StoredItem } from "./meter.js";
import { ASSUMED, PRICES } from "./prices.js";

type Report = (name: string, value: number, unit: string) => void;
type QueueHandler = (event: SQSEvent, context: Context) => Promise<unknown>;

const INVOICES = 10;
const ENDPOINTS = 2;
/** An endpoint's answer time, assumed (the receiver here answers on loopback). */
const ENDPOINT_MS = 200;
/** The webhook functions' memory (infra/wiring.ts): 512 MiB. */
const WEBHOOK_GB = 0.5;

/** Hands every message of a queue to its handler in batches of ten, counting the batches. */
async function drain(queueUrl: string, handler: QueueHandler): Promise<number> {
  const sqs = new SQSClient({});
  let batches = 0;
  try {
    for (;;) {
      const { Messages = [] } = await sqs.send(
        new ReceiveMessageCommand({
          QueueUrl: queueUrl,
          MaxNumberOfMessages: 10,
          MessageSystemAttributeNames: ["All"],
        }),
      );
      if (Messages.length === 0) return batches;
      batches++;
      await handler(receivedEvent(Messages), testContext());
      await sqs.send(
        new DeleteMessageBatchCommand({
          QueueUrl: queueUrl,
          Entries: Messages.map((m, i) => ({ Id: String(i), ReceiptHandle: m.ReceiptHandle as string })),
        }),
      );
    }
  } finally {
    sqs.destroy();
  }
}

export async function webhookFigures(report: Report): Promise<void> {
  process.env.WEBHOOK_BACKOFF_SCALE = "0";
  const receiver = await startWebhookReceiver();
  const { handler: catalogApi } = await import("../services/catalog/src/handlers/api.js");
  const { handler: clock } = await import("../services/invoicing/src/handlers/clock.js");
  const { handler: dispatcher } = await import("../services/webhooks/src/handlers/dispatcher.js");
  const { handler: deliverer } = await import("../services/webhooks/src/handlers/deliverer.js");
  const { seedCatalog } = await import("../test/support/catalog-fixture.js");
  const { deliverClockScans, deliverInvoicingInbox } = await import("../test/support/invoicing.js");
  const raw = DynamoDBDocumentClient.from(new DynamoDBClient({}));
  const stored: StoredItem = async (name, key) => {
    const { Item } = await raw.send(
      new GetCommand({ TableName: name, Key: { pk: key.pk?.S, sk: key.sk?.S }, ConsistentRead: true }),
    );
    return Item ? marshall(Item, { removeUndefinedValues: true }) : undefined;
  };
  try {
    for (let i = 0; i < INVOICES; i++) {
      // Subscriptions started in a month of their own, so the clock run below bills them alone.
      const seeded = await seedCatalog({
        name: `Bench webhooks ${i}`,
        subscriptionAt: "2031-05-01T00:00:00Z",
      });
      for (const algo of ["hmac", "jwt"]) {
        const answer = await invoke(catalogApi, "POST /api/v1/webhook_endpoints", {
          apiKey: seeded.apiKey,
          at: "2031-05-01T00:00:00Z",
          body: { webhook_endpoint: { webhook_url: `${receiver.url}/${i}/${algo}`, signature_algo: algo } },
        });
        if (answer.status !== 200) throw new Error(`endpoint answered ${answer.status}`);
      }
    }
    await deliverInvoicingInbox();
    // Any event published while seeding is not this figure's.
    await drain(process.env.WEBHOOK_EVENTS_QUEUE_URL as string, async () => undefined);
    const bus = newMeter();
    meterCalls(eventBridgeClient(), bus);
    await clock({ now: "2031-06-01T00:00:00.000Z" }, testContext());
    await deliverClockScans();
    await deliverInvoicingInbox();
    const putEvents = bus.total("PutEvents");

    const sqs = newMeter();
    const dynamo = newMeter();
    meterCalls(sqsClient(), sqs);
    meterDynamo(documentClient(), dynamo, stored);
    const before = receiver.received().length;
    const eventBatches = await drain(
      process.env.WEBHOOK_EVENTS_QUEUE_URL as string,
      dispatcher as QueueHandler,
    );
    const dispatchDynamoCalls = dynamo.total("GetItem", "PutItem", "UpdateItem", "Query");
    const dispatchSqsCalls = sqs.total("SendMessageBatch");
    const deliveryBatches = await drain(
      process.env.WEBHOOK_DELIVERIES_QUEUE_URL as string,
      deliverer as QueueHandler,
    );
    const posts = receiver.received().length - before;
    const webhooks = INVOICES * ENDPOINTS;
    if (posts !== webhooks) throw new Error(`expected ${webhooks} webhooks, the endpoints got ${posts}`);

    // Modelled: EventBridge's send of each matching event to the queue, and the pollers' calls.
    const ruleSends = putEvents;
    const batchesOf = (messages: number) => Math.ceil(messages / ASSUMED.messagesPerConsumerBatch);
    const pollerCalls = 2 * batchesOf(putEvents) + 2 * batchesOf(webhooks);
    const sqsRequests = sqs.total("SendMessageBatch", "SendMessage") + ruleSends + pollerCalls;
    const perInvoice = (sqsRequests + putEvents + posts) / INVOICES;
    report("webhook_requests_per_invoice", perInvoice, "requests/invoice");
    report("webhook_sqs_requests_per_invoice", sqsRequests / INVOICES, "requests/invoice");
    report("webhook_eventbridge_events_per_invoice", putEvents / INVOICES, "events/invoice");
    report("webhook_http_requests_per_invoice", posts / INVOICES, "requests/invoice");
    report(
      "webhook_ddb_calls_per_webhook",
      dynamo.total("GetItem", "PutItem", "UpdateItem", "Query") / webhooks,
      "calls/webhook",
    );
    report("webhook_ddb_write_units_per_webhook", dynamo.writeUnits / webhooks, "WRU/webhook");
    report("webhook_ddb_read_units_per_webhook", dynamo.readUnits / webhooks, "RRU/webhook");
    const { Items = [] } = await raw.send(
      new ScanCommand({ TableName: process.env.WEBHOOKS_TABLE, Limit: 50 }),
    );
    const deliveries = Items.filter((item) => item.sk === "webhook");
    const bytes = deliveries.reduce(
      (sum, item) => sum + itemSize(marshall(item, { removeUndefinedValues: true })),
      0,
    );
    report("webhook_delivery_item_bytes", Math.round(bytes / Math.max(1, deliveries.length)), "bytes");

    // Dollars per webhook: counted calls and units at list prices, durations at the assumed round trips.
    const deliverDynamoCalls =
      dynamo.total("GetItem", "PutItem", "UpdateItem", "Query") - dispatchDynamoCalls;
    const dispatchSeconds =
      (dispatchDynamoCalls * ASSUMED.dynamoCallMs + dispatchSqsCalls * ASSUMED.sqsSendMs) / 1000;
    const deliverSeconds = (deliverDynamoCalls * ASSUMED.dynamoCallMs + webhooks * ENDPOINT_MS) / 1000;
    const invocations = eventBatches + deliveryBatches;
    const dollars =
      (sqsRequests * PRICES.sqsPerMillionRequests +
        putEvents * PRICES.eventBridgePerMillionEvents +
        dynamo.writeUnits * PRICES.dynamoPerMillionWriteUnits +
        dynamo.readUnits * PRICES.dynamoPerMillionReadUnits +
        invocations * PRICES.lambdaPerMillionRequests) /
        1_000_000 +
      (dispatchSeconds + deliverSeconds) * WEBHOOK_GB * PRICES.lambdaArmPerGbSecond;
    report("usd_per_thousand_webhooks", (dollars / webhooks) * 1000, "USD/1k webhooks");
  } finally {
    raw.destroy();
    await receiver.stop();
  }
}
