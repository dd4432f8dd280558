/** The webhooks service as the integration tests drive it: its two queues, their consumers, its DLQ. */
import {
  DeleteMessageBatchCommand,
  type Message,
  ReceiveMessageCommand,
  SQSClient,
} from "@aws-sdk/client-sqs";
import type { SQSBatchResponse, SQSEvent } from "aws-lambda";
import { handler as deliverer } from "../../services/webhooks/src/handlers/deliverer.js";
import { handler as dispatcher } from "../../services/webhooks/src/handlers/dispatcher.js";
import { testContext } from "./api-events.js";

type QueueHandler = (event: SQSEvent, context: ReturnType<typeof testContext>) => Promise<unknown>;

/** An SQS event of received messages, with their real attributes (sent time, receive count). */
export function receivedEvent(messages: readonly Message[]): SQSEvent {
  return {
    Records: messages.map((m) => ({
      messageId: m.MessageId as string,
      receiptHandle: m.ReceiptHandle as string,
      body: m.Body ?? "",
      attributes: {
        ApproximateReceiveCount: m.Attributes?.ApproximateReceiveCount ?? "1",
        SentTimestamp: m.Attributes?.SentTimestamp ?? "0",
        SenderId: "test",
        ApproximateFirstReceiveTimestamp: m.Attributes?.ApproximateFirstReceiveTimestamp ?? "0",
      },
      messageAttributes: {},
      md5OfBody: "",
      eventSource: "aws:sqs",
      eventSourceARN: "arn:aws:sqs:us-east-1:000000000000:queue",
      awsRegion: "us-east-1",
    })),
  };
}

/** Receives what waits in a queue now (up to ten), without deleting it. */
export async function receive(queueUrl: string, visibilityTimeout = 30): Promise<Message[]> {
  const sqs = new SQSClient({});
  try {
    const { Messages = [] } = await sqs.send(
      new ReceiveMessageCommand({
        QueueUrl: queueUrl,
        MaxNumberOfMessages: 10,
        VisibilityTimeout: visibilityTimeout,
        MessageSystemAttributeNames: ["All"],
      }),
    );
    return Messages;
  } finally {
    sqs.destroy();
  }
}

/** Hands one received batch to a consumer as Lambda would, deleting what it did not report failed. */
async function handleBatch(queueUrl: string, handle: QueueHandler, messages: readonly Message[]) {
  const answer = (await handle(receivedEvent(messages), testContext())) as SQSBatchResponse;
  const failed = new Set(answer.batchItemFailures.map((failure) => failure.itemIdentifier));
  const done = messages.filter((m) => !failed.has(m.MessageId as string));
  if (done.length === 0) return failed.size;
  const sqs = new SQSClient({});
  try {
    await sqs.send(
      new DeleteMessageBatchCommand({
        QueueUrl: queueUrl,
        Entries: done.map((m, i) => ({ Id: String(i), ReceiptHandle: m.ReceiptHandle as string })),
      }),
    );
  } finally {
    sqs.destroy();
  }
  return failed.size;
}

const eventsQueue = () => process.env.WEBHOOK_EVENTS_QUEUE_URL as string;
const deliveriesQueue = () => process.env.WEBHOOK_DELIVERIES_QUEUE_URL as string;

/** The bus events waiting for the dispatcher, handed to it until none is left. */
export async function deliverWebhookEvents(): Promise<number> {
  let handled = 0;
  for (let batch = await receive(eventsQueue()); batch.length > 0; batch = await receive(eventsQueue())) {
    await handleBatch(eventsQueue(), dispatcher, batch);
    handled += batch.length;
  }
  return handled;
}

/**
 * Dispatches the bus events, then makes every attempt queued (retries included: tests run with no
 * backoff) until both queues are empty. Returns how many attempt messages were handled.
 */
export async function deliverWebhooks(): Promise<number> {
  let handled = 0;
  for (let round = 0; round < 200; round++) {
    await deliverWebhookEvents();
    const batch = await receive(deliveriesQueue());
    if (batch.length === 0) return handled;
    await handleBatch(deliveriesQueue(), deliverer, batch);
    handled += batch.length;
  }
  throw new Error("webhook deliveries did not settle in 200 rounds");
}

/** The webhook deliveries' dead-letter queue's messages (received, not deleted). */
export function deadLetteredWebhooks(): Promise<Message[]> {
  return receive(process.env.WEBHOOK_DELIVERIES_DLQ_URL as string, 0);
}
