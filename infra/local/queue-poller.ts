/**
 * Lambda's SQS event source, locally: receives up to the wiring's batch size, invokes the consumer
 * with the same SQS event, deletes what succeeded and returns what the handler reported as failed
 * (`batchItemFailures`, or the whole batch if it threw). Redelivery and the dead-letter queue are
 * the emulator's own, driven by the queue's redrive policy.
 */
import {
  ChangeMessageVisibilityBatchCommand,
  DeleteMessageBatchCommand,
  type Message,
  ReceiveMessageCommand,
  type SQSClient,
} from "@aws-sdk/client-sqs";
import type { SQSBatchResponse, SQSEvent, SQSRecord } from "aws-lambda";
import type { FunctionSpec } from "../wiring.js";
import { type LambdaHandler, lambdaContext } from "./lambda-context.js";

export interface PollerOptions {
  readonly sqs: SQSClient;
  readonly fn: FunctionSpec;
  readonly handler: LambdaHandler;
  readonly queueUrl: string;
  readonly queueArn: string;
  /** Seconds before a failed message is received again (locally shorter than the queue's timeout). */
  readonly retryDelaySeconds: number;
  readonly onError: (error: unknown) => void;
}

function toRecord(message: Message, queueArn: string): SQSRecord {
  const attributes = message.Attributes ?? {};
  return {
    messageId: message.MessageId as string,
    receiptHandle: message.ReceiptHandle as string,
    body: message.Body ?? "",
    attributes: {
      ApproximateReceiveCount: attributes.ApproximateReceiveCount ?? "1",
      SentTimestamp: attributes.SentTimestamp ?? String(Date.now()),
      SenderId: attributes.SenderId ?? "local",
      ApproximateFirstReceiveTimestamp: attributes.ApproximateFirstReceiveTimestamp ?? String(Date.now()),
    },
    messageAttributes: {},
    md5OfBody: message.MD5OfBody ?? "",
    eventSource: "aws:sqs",
    eventSourceARN: queueArn,
    awsRegion: process.env.AWS_REGION ?? "us-east-1",
  };
}

export class QueuePoller {
  private running = false;
  private loop: Promise<void> | undefined;
  private abort = new AbortController();
  /** A received batch is being handled (set only once messages arrived, not while long-polling). */
  busy = false;
  /** Batches completed so far; drain compares it across checks to see that nothing moved. */
  completedBatches = 0;

  constructor(private readonly options: PollerOptions) {}

  start(): void {
    if (this.running) return;
    this.running = true;
    this.abort = new AbortController();
    this.loop = this.run();
  }

  async stop(): Promise<void> {
    this.running = false;
    this.abort.abort();
    await this.loop;
  }

  private async run(): Promise<void> {
    while (this.running) {
      try {
        await this.pollOnce();
      } catch (error) {
        if (!this.running) return;
        this.options.onError(error);
        await new Promise((resolve) => setTimeout(resolve, 500));
      }
    }
  }

  /** One receive and, if anything came, one invocation. */
  async pollOnce(): Promise<void> {
    const { sqs, fn, queueUrl } = this.options;
    const consumer = fn.consumes;
    if (!consumer) throw new Error(`${fn.id} consumes no queue`);
    const { Messages = [] } = await sqs.send(
      new ReceiveMessageCommand({
        QueueUrl: queueUrl,
        MaxNumberOfMessages: consumer.batchSize,
        WaitTimeSeconds: 1,
        MessageSystemAttributeNames: ["All"],
      }),
      { abortSignal: this.abort.signal },
    );
    if (Messages.length === 0) return;
    this.busy = true;
    try {
      const event: SQSEvent = {
        Records: Messages.map((message) => toRecord(message, this.options.queueArn)),
      };
      let failedIds: Set<string>;
      try {
        const result = (await this.options.handler(event, lambdaContext(fn))) as SQSBatchResponse | undefined;
        failedIds = new Set((result?.batchItemFailures ?? []).map((failure) => failure.itemIdentifier));
      } catch (error) {
        this.options.onError(error);
        failedIds = new Set(event.Records.map((record) => record.messageId));
      }
      const succeeded = event.Records.filter((record) => !failedIds.has(record.messageId));
      const failed = event.Records.filter((record) => failedIds.has(record.messageId));
      if (succeeded.length > 0) {
        await sqs.send(
          new DeleteMessageBatchCommand({
            QueueUrl: queueUrl,
            Entries: succeeded.map((record, index) => ({
              Id: String(index),
              ReceiptHandle: record.receiptHandle,
            })),
          }),
        );
      }
      if (failed.length > 0) {
        await sqs.send(
          new ChangeMessageVisibilityBatchCommand({
            QueueUrl: queueUrl,
            Entries: failed.map((record, index) => ({
              Id: String(index),
              ReceiptHandle: record.receiptHandle,
              VisibilityTimeout: this.options.retryDelaySeconds,
            })),
          }),
        );
      }
      this.completedBatches++;
    } finally {
      this.busy = false;
    }
  }
}
