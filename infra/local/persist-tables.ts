/**
 * Reads every item of a table and writes items back, for the local runtime's data folder. Uses the
 * low-level client, so numbers stay the decimal strings DynamoDB holds.
 */
import {
  BatchWriteItemCommand,
  type DynamoDBClient,
  ScanCommand,
  type WriteRequest,
} from "@aws-sdk/client-dynamodb";
import type { Item } from "./attribute-json.js";

/** Every item of `tableName`, page by page (strongly consistent, so a write just acknowledged is in). */
export async function* scanTable(dynamo: DynamoDBClient, tableName: string): AsyncGenerator<Item> {
  let startKey: Item | undefined;
  do {
    const page = await dynamo.send(
      new ScanCommand({ TableName: tableName, ExclusiveStartKey: startKey, ConsistentRead: true }),
    );
    for (const item of page.Items ?? []) yield item;
    startKey = page.LastEvaluatedKey;
  } while (startKey);
}

const BATCH_WRITE_LIMIT = 25;
const CONCURRENT_BATCHES = 4;

/**
 * Puts items into tables in batches of 25 (DynamoDB's limit, which moto does not enforce), a few
 * batches at once, retrying what a batch leaves unprocessed.
 */
export class TableWriter {
  private readonly pending = new Map<string, WriteRequest[]>();
  private readonly inFlight = new Set<Promise<void>>();
  private failure: unknown;
  written = 0;

  constructor(private readonly dynamo: DynamoDBClient) {}

  async put(tableName: string, item: Item): Promise<void> {
    const requests = this.pending.get(tableName) ?? [];
    requests.push({ PutRequest: { Item: item } });
    this.pending.set(tableName, requests);
    if (requests.length >= BATCH_WRITE_LIMIT) {
      this.pending.delete(tableName);
      await this.launch(tableName, requests);
    }
  }

  /** Writes what is still buffered and waits for every batch; throws the first failure. */
  async flush(): Promise<void> {
    for (const [tableName, requests] of this.pending) await this.launch(tableName, requests);
    this.pending.clear();
    await Promise.all(this.inFlight);
    if (this.failure) throw this.failure;
  }

  private async launch(tableName: string, requests: WriteRequest[]): Promise<void> {
    while (this.inFlight.size >= CONCURRENT_BATCHES) await Promise.race(this.inFlight);
    if (this.failure) throw this.failure;
    const work = this.write(tableName, requests).then(
      () => {
        this.written += requests.length;
      },
      (error: unknown) => {
        this.failure ??= error;
      },
    );
    this.inFlight.add(work);
    void work.finally(() => this.inFlight.delete(work));
  }

  private async write(tableName: string, requests: WriteRequest[]): Promise<void> {
    let left = requests;
    for (let attempt = 0; left.length > 0; attempt++) {
      if (attempt === 10) throw new Error(`${tableName}: ${left.length} items stayed unprocessed`);
      if (attempt > 0) await new Promise((resolve) => setTimeout(resolve, 50 * 2 ** attempt));
      const result = await this.dynamo.send(
        new BatchWriteItemCommand({ RequestItems: { [tableName]: left } }),
      );
      left = result.UnprocessedItems?.[tableName] ?? [];
    }
  }
}
