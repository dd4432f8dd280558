import { randomUUID } from "node:crypto";
import type { SQSEvent } from "aws-lambda";

/** An SQS event as Lambda's event source mapping hands it over: one record per message body. */
export function sqsEvent(messages: ReadonlyArray<string | { body: string; messageId?: string }>): SQSEvent {
  return {
    Records: messages.map((message, index) => {
      const { body, messageId } =
        typeof message === "string" ? { body: message, messageId: undefined } : message;
      return {
        messageId: messageId ?? `m${index}-${randomUUID()}`,
        receiptHandle: "r",
        body,
        attributes: {
          ApproximateReceiveCount: "1",
          SentTimestamp: "0",
          SenderId: "t",
          ApproximateFirstReceiveTimestamp: "0",
        },
        messageAttributes: {},
        md5OfBody: "",
        eventSource: "aws:sqs",
        eventSourceARN: "arn:aws:sqs:us-east-1:000000000000:queue",
        awsRegion: "us-east-1",
      };
    }),
  };
}
