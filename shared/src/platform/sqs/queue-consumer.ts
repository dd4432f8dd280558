import { BatchProcessor, EventType, processPartialResponse } from "@aws-lambda-powertools/batch";
import { injectLambdaContext } from "@aws-lambda-powertools/logger/middleware";
import middy from "@middy/core";
import type { Context, SQSBatchResponse, SQSEvent, SQSRecord } from "aws-lambda";
import type { z } from "zod";
import { parseJson } from "../json/json-text.js";
import { createLogger } from "../logger.js";

export interface QueueConsumerOptions<Schema extends z.ZodType, Batch = undefined> {
  readonly service: string;
  /** Shape of a message body; a body that does not parse fails, and after retries lands in the DLQ. */
  readonly message: Schema;
  /**
   * State shared by the messages of one batch only (a memo of reads every message of it needs), made
   * afresh for each invocation so nothing read outlives the batch that read it.
   */
  readonly batch?: () => Batch;
  readonly handleMessage: (message: z.output<Schema>, record: SQSRecord, batch: Batch) => Promise<void>;
}

/**
 * An SQS consumer that reports partial batch failures: each message is handled on its own, and
 * only the ones that failed are returned to the queue for redelivery (`ReportBatchItemFailures`).
 * Handlers must be idempotent per message: SQS delivers at least once.
 */
export function createQueueConsumer<Schema extends z.ZodType, Batch = undefined>(
  options: QueueConsumerOptions<Schema, Batch>,
) {
  const logger = createLogger(options.service);
  const handleRecord = async (record: SQSRecord, batch: Batch): Promise<void> => {
    // Exactly: events carry integers beyond 2^53 as their own digits (see json-text.ts).
    const body = parseJson(record.body);
    const message = options.message.parse(body);
    try {
      await options.handleMessage(message, record, batch);
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
    .handler((event, context) => {
      // Undefined unless the consumer asked for per-batch state (`Batch` is then undefined too).
      const batch = options.batch?.() as Batch;
      // A processor holds one batch's results: one per invocation, so concurrent batches never mix.
      return processPartialResponse(
        event,
        (record: SQSRecord) => handleRecord(record, batch),
        new BatchProcessor(EventType.SQS),
        {
          context,
          throwOnFullBatchFailure: false,
        },
      );
    });
}
