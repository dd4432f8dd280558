import { BatchProcessor, EventType, processPartialResponse } from "@aws-lambda-powertools/batch";
import { injectLambdaContext } from "@aws-lambda-powertools/logger/middleware";
import middy from "@middy/core";
import type { Context, SQSBatchResponse, SQSEvent, SQSRecord } from "aws-lambda";
import type { z } from "zod";
import { parseJson } from "../json/json-text.js";
import { createLogger } from "../logger.js";

export interface QueueConsumerOptions<Schema extends z.ZodType> {
  readonly service: string;
  /** Shape of a message body; a body that does not parse fails, and after retries lands in the DLQ. */
  readonly message: Schema;
  readonly handleMessage: (message: z.output<Schema>, record: SQSRecord) => Promise<void>;
}

/**
 * An SQS consumer that reports partial batch failures: each message is handled on its own, and
 * only the ones that failed are returned to the queue for redelivery (`ReportBatchItemFailures`).
 * Handlers must be idempotent per message: SQS delivers at least once.
 */
export function createQueueConsumer<Schema extends z.ZodType>(options: QueueConsumerOptions<Schema>) {
  const logger = createLogger(options.service);
  const handleRecord = async (record: SQSRecord): Promise<void> => {
    // Exactly: events carry integers beyond 2^53 as their own digits (see json-text.ts).
    const body = parseJson(record.body);
    const message = options.message.parse(body);
    try {
      await options.handleMessage(message, record);
    } catch (error) {
      logger.warn("message failed; it will be redelivered", {
        messageId: record.messageId,
        receiveCount: record.attributes.ApproximateReceiveCount,
        error,
      });
      throw error;
    }
  };
  return middy<SQSEvent, SQSBatchResponse, Error, Context>()
    .use(injectLambdaContext(logger))
    .handler((event, context) =>
      // A processor holds one batch's results: one per invocation, so concurrent batches never mix.
      processPartialResponse(event, handleRecord, new BatchProcessor(EventType.SQS), {
        context,
        throwOnFullBatchFailure: false,
      }),
    );
}
