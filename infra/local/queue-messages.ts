/**
 * Moving whole queues' contents locally: reading every message a queue holds (to keep it in the
 * data folder), sending messages back, and moving a dead-letter queue's messages to their source
 * queue (redrive). Bodies and message attributes are kept byte for byte.
 */
import {
  ChangeMessageVisibilityBatchCommand,
  DeleteMessageBatchCommand,
  GetQueueAttributesCommand,
  type Message,
  type MessageAttributeValue,
  ReceiveMessageCommand,
  SendMessageBatchCommand,
  type SQSClient,
} from "@aws-sdk/client-sqs";

export interface QueuedMessage {
  readonly body: string;
  readonly attributes?: Record<string, MessageAttributeValue>;
}

/** Messages a queue holds: visible, in flight (received, not yet deleted) and delayed. */
export async function messagesIn(sqs: SQSClient, queueUrl: string): Promise<number> {
  const { Attributes = {} } = await sqs.send(
    new GetQueueAttributesCommand({
      QueueUrl: queueUrl,
      AttributeNames: [
        "ApproximateNumberOfMessages",
        "ApproximateNumberOfMessagesNotVisible",
        "ApproximateNumberOfMessagesDelayed",
      ],
    }),
  );
  return Object.values(Attributes).reduce((sum, value) => sum + Number(value), 0);
}

function queued(message: Message): QueuedMessage {
  const attributes = message.MessageAttributes;
  return attributes && Object.keys(attributes).length > 0
    ? { body: message.Body ?? "", attributes }
    : { body: message.Body ?? "" };
}

const HIDE_SECONDS = 120;

/**
 * Reads every message of a queue no consumer is polling, without deleting any: each is hidden while
 * the read lasts (so no message is read twice), then made visible again when `release` is set. Waits
 * up to `timeoutMs` for messages still in flight to come back. Returns what it read and how many it
 * could not.
 */
export async function readAllMessages(
  sqs: SQSClient,
  queueUrl: string,
  options: { readonly release: boolean; readonly timeoutMs: number },
): Promise<{ messages: QueuedMessage[]; unread: number }> {
  const messages: QueuedMessage[] = [];
  const handles: string[] = [];
  const deadline = Date.now() + options.timeoutMs;
  try {
    for (;;) {
      const { Messages = [] } = await sqs.send(
        new ReceiveMessageCommand({
          QueueUrl: queueUrl,
          MaxNumberOfMessages: 10,
          VisibilityTimeout: HIDE_SECONDS,
          WaitTimeSeconds: 0,
          MessageAttributeNames: ["All"],
        }),
      );
      for (const message of Messages) {
        messages.push(queued(message));
        handles.push(message.ReceiptHandle as string);
      }
      if (Messages.length > 0) continue;
      // Nothing visible: done when nothing else is left but what this read hides.
      const left = (await messagesIn(sqs, queueUrl)) - handles.length;
      if (left <= 0) return { messages, unread: 0 };
      if (Date.now() >= deadline) return { messages, unread: left };
      await new Promise((resolve) => setTimeout(resolve, 200));
    }
  } finally {
    if (options.release) await setVisibleAgain(sqs, queueUrl, handles);
  }
}

async function setVisibleAgain(sqs: SQSClient, queueUrl: string, handles: readonly string[]): Promise<void> {
  for (let i = 0; i < handles.length; i += 10) {
    await sqs.send(
      new ChangeMessageVisibilityBatchCommand({
        QueueUrl: queueUrl,
        Entries: handles.slice(i, i + 10).map((ReceiptHandle, index) => ({
          Id: String(index),
          ReceiptHandle,
          VisibilityTimeout: 0,
        })),
      }),
    );
  }
}

export async function sendMessages(
  sqs: SQSClient,
  queueUrl: string,
  messages: readonly QueuedMessage[],
): Promise<void> {
  for (let i = 0; i < messages.length; i += 10) {
    const batch = messages.slice(i, i + 10);
    const { Failed = [] } = await sqs.send(
      new SendMessageBatchCommand({
        QueueUrl: queueUrl,
        Entries: batch.map((message, index) => ({
          Id: String(index),
          MessageBody: message.body,
          MessageAttributes: message.attributes,
        })),
      }),
    );
    if (Failed.length > 0) throw new Error(`SQS refused ${Failed.length} messages: ${Failed[0]?.Message}`);
  }
}

/**
 * Moves every visible message of `fromUrl` to `toUrl`: each is sent before it is deleted, so a crash
 * in between leaves a copy in both (consumers are idempotent), never in neither.
 */
export async function moveAllMessages(sqs: SQSClient, fromUrl: string, toUrl: string): Promise<number> {
  let moved = 0;
  for (;;) {
    const { Messages = [] } = await sqs.send(
      new ReceiveMessageCommand({
        QueueUrl: fromUrl,
        MaxNumberOfMessages: 10,
        VisibilityTimeout: HIDE_SECONDS,
        WaitTimeSeconds: 0,
        MessageAttributeNames: ["All"],
      }),
    );
    if (Messages.length === 0) return moved;
    await sendMessages(sqs, toUrl, Messages.map(queued));
    await sqs.send(
      new DeleteMessageBatchCommand({
        QueueUrl: fromUrl,
        Entries: Messages.map((message, index) => ({
          Id: String(index),
          ReceiptHandle: message.ReceiptHandle as string,
        })),
      }),
    );
    moved += Messages.length;
  }
}
