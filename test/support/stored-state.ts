/**
 * What is stored, for "a refused request changes nothing": every item of every table (raw, as
 * DynamoDB holds it, sorted) and the messages waiting in every queue. Read through the same
 * environment as the handlers (the local runtime or the AWS harness sets it).
 */
import { DynamoDBClient, ScanCommand, type ScanCommandOutput } from "@aws-sdk/client-dynamodb";
import { GetQueueAttributesCommand, GetQueueUrlCommand, SQSClient } from "@aws-sdk/client-sqs";
import { resources } from "../../infra/wiring.js";
import { resourceName } from "../../shared/src/platform/resources.js";

const dynamo = () => new DynamoDBClient({});

/** Every item of every table, as sorted JSON lines. */
export async function scanTables(): Promise<string[]> {
  const client = dynamo();
  const lines: string[] = [];
  try {
    for (const table of resources.tables) {
      let start: ScanCommandOutput["LastEvaluatedKey"];
      do {
        const page = await client.send(
          new ScanCommand({ TableName: resourceName(table), ExclusiveStartKey: start, ConsistentRead: true }),
        );
        for (const item of page.Items ?? []) {
          const sorted = Object.fromEntries(Object.entries(item).sort(([a], [b]) => (a < b ? -1 : 1)));
          lines.push(`${table.id} ${JSON.stringify(sorted)}`);
        }
        start = page.LastEvaluatedKey;
      } while (start);
    }
  } finally {
    client.destroy();
  }
  return lines.sort();
}

/** Messages waiting (visible, in flight or delayed) in each queue and dead-letter queue, by name. */
export async function queueDepths(prefix: string): Promise<Record<string, number>> {
  const sqs = new SQSClient({});
  const depths: Record<string, number> = {};
  try {
    for (const queue of resources.queues) {
      for (const name of [`${prefix}-${queue.id}`, `${prefix}-${queue.id}-dlq`]) {
        const { QueueUrl } = await sqs.send(new GetQueueUrlCommand({ QueueName: name }));
        const { Attributes = {} } = await sqs.send(
          new GetQueueAttributesCommand({
            QueueUrl,
            AttributeNames: [
              "ApproximateNumberOfMessages",
              "ApproximateNumberOfMessagesNotVisible",
              "ApproximateNumberOfMessagesDelayed",
            ],
          }),
        );
        depths[name] = Object.values(Attributes).reduce((sum, value) => sum + Number(value), 0);
      }
    }
  } finally {
    sqs.destroy();
  }
  return depths;
}
