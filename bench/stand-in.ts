/**
 * In-memory stand-ins for the few DynamoDB and SQS calls the billing clock makes, answered below
 * the SDK's network layer (see `stubNetwork`): the code under measurement builds, serializes and
 * signs its requests and parses the answers as in production. moto_server reads every item of a
 * table for each index query, so 100,000 due schedules scanned page by page would take it many
 * minutes; here a page costs what the SDK costs. Anything the clock does not call is refused
 * loudly, never answered approximately.
 */
import { randomUUID } from "node:crypto";
import type { AttributeValue } from "@aws-sdk/client-dynamodb";
import type { IndexSpec } from "../shared/src/platform/resources.js";
import { itemSize } from "./capacity.js";

type Wire = Record<string, AttributeValue>;

const scalar = (value: AttributeValue | undefined): string => {
  if (value?.S !== undefined) return value.S;
  throw new Error(`stand-in: only string keys are supported, not ${JSON.stringify(value)}`);
};

/** DynamoDB returns at most 1 MB of items read per query page. */
const PAGE_BYTES = 1024 * 1024;

/**
 * One table's items and its global secondary indexes, queried by DynamoDB's rules: index entries
 * hold the index's and the table's keys and the projected attributes only, ordered by the index's
 * sort key (ties by the table's keys); a page ends at `Limit` items or 1 MB, and a page that ends
 * because of `Limit` carries a `LastEvaluatedKey` even when nothing follows (DynamoDB does; moto
 * does not), so a shard whose due count is a multiple of the page costs one empty query more.
 */
export class TableStandIn {
  private readonly items = new Map<string, Wire>();
  /** Per index and partition, the entries sorted; rebuilt after a write. */
  private sorted = new Map<string, Wire[]>();

  constructor(
    readonly name: string,
    private readonly indexes: readonly IndexSpec[],
  ) {}

  get size(): number {
    return this.items.size;
  }

  put(item: Wire): void {
    this.items.set(JSON.stringify([scalar(item.pk), scalar(item.sk)]), item);
    this.sorted.clear();
  }

  private entries(index: IndexSpec, partition: string): Wire[] {
    const id = `${index.name}\u0000${partition}`;
    let entries = this.sorted.get(id);
    if (!entries) {
      const projected = (item: Wire): Wire => {
        if (index.projection === "ALL") return item;
        const names = new Set(["pk", "sk", index.partitionKey, index.sortKey]);
        if (index.projection !== "KEYS_ONLY") for (const name of index.projection) names.add(name);
        return Object.fromEntries(Object.entries(item).filter(([name]) => names.has(name)));
      };
      entries = [...this.items.values()]
        .filter((item) => item[index.partitionKey]?.S === partition && item[index.sortKey] !== undefined)
        .map(projected)
        .sort((a, b) => compareEntries(index, a, b));
      this.sorted.set(id, entries);
    }
    return entries;
  }

  /** `Query` on an index with `<partition> = :value AND <sort> <= :value`, the clock's only form. */
  query(input: {
    IndexName?: string;
    KeyConditionExpression?: string;
    ExpressionAttributeValues?: Wire;
    Limit?: number;
    ExclusiveStartKey?: Wire;
    ConsistentRead?: boolean;
  }): { Items: Wire[]; Count: number; ScannedCount: number; LastEvaluatedKey?: Wire } {
    const index = this.indexes.find((candidate) => candidate.name === input.IndexName);
    if (!index) throw new Error(`stand-in: no index ${input.IndexName} on ${this.name}`);
    if (input.ConsistentRead) throw new Error("stand-in: consistent reads on a global index");
    const form = new RegExp(`^${index.partitionKey} = (:\\w+) AND ${index.sortKey} <= (:\\w+)$`).exec(
      input.KeyConditionExpression ?? "",
    );
    if (!form) throw new Error(`stand-in: unsupported key condition ${input.KeyConditionExpression}`);
    const values = input.ExpressionAttributeValues ?? {};
    const partition = scalar(values[form[1] as string]);
    const upTo = scalar(values[form[2] as string]);
    const entries = this.entries(index, partition);
    let start = 0;
    if (input.ExclusiveStartKey) {
      const after = input.ExclusiveStartKey;
      start = entries.findIndex((entry) => compareEntries(index, entry, after) > 0);
      if (start < 0) start = entries.length;
    }
    const limit = input.Limit ?? Number.POSITIVE_INFINITY;
    const page: Wire[] = [];
    let bytes = 0;
    let stoppedEarly = false;
    for (let at = start; at < entries.length; at++) {
      const entry = entries[at] as Wire;
      if (scalar(entry[index.sortKey]) > upTo) break;
      if (page.length === limit || bytes >= PAGE_BYTES) {
        stoppedEarly = true;
        break;
      }
      page.push(entry);
      bytes += itemSize(entry);
    }
    const last = page.at(-1);
    const limited = page.length === limit || stoppedEarly;
    return {
      Items: page,
      Count: page.length,
      ScannedCount: page.length,
      ...(limited && last
        ? {
            LastEvaluatedKey: Object.fromEntries(
              ["pk", "sk", index.partitionKey, index.sortKey].map((name) => [
                name,
                last[name] as AttributeValue,
              ]),
            ),
          }
        : {}),
    };
  }
}

function compareEntries(index: IndexSpec, a: Wire, b: Wire): number {
  for (const name of [index.sortKey, "pk", "sk"]) {
    const left = scalar(a[name]);
    const right = scalar(b[name]);
    if (left !== right) return left < right ? -1 : 1;
  }
  return 0;
}

/** A DynamoDB endpoint holding the given tables: answers `Query`, refuses everything else. */
export function dynamoStandIn(tables: readonly TableStandIn[]) {
  return (request: { body: string; headers: Record<string, string> }): unknown => {
    const target = request.headers["x-amz-target"] ?? "";
    const input = JSON.parse(request.body) as { TableName: string };
    const table = tables.find((candidate) => candidate.name === input.TableName);
    if (!table) throw new Error(`stand-in: no table ${input.TableName}`);
    if (target === "DynamoDB_20120810.Query")
      return table.query(input as Parameters<TableStandIn["query"]>[0]);
    throw new Error(`stand-in: DynamoDB ${target} is not stood in`);
  };
}

/** SQS queues that only take `SendMessageBatch`: each queue's bodies, in the order sent. */
export class QueuesStandIn {
  readonly sent = new Map<string, string[]>();

  /** Takes the oldest `count` bodies of a queue, as a receive then delete would. */
  take(queueUrl: string, count: number): string[] {
    const bodies = this.sent.get(queueUrl) ?? [];
    return bodies.splice(0, count);
  }

  answer = (request: { body: string; headers: Record<string, string> }): unknown => {
    const target = request.headers["x-amz-target"] ?? "";
    if (target !== "AmazonSQS.SendMessageBatch") throw new Error(`stand-in: SQS ${target} is not stood in`);
    const input = JSON.parse(request.body) as {
      QueueUrl: string;
      Entries: Array<{ Id: string; MessageBody: string }>;
    };
    if (input.Entries.length > 10) throw new Error("stand-in: SendMessageBatch takes at most 10 entries");
    const bodies = this.sent.get(input.QueueUrl) ?? [];
    bodies.push(...input.Entries.map((entry) => entry.MessageBody));
    this.sent.set(input.QueueUrl, bodies);
    return {
      Successful: input.Entries.map((entry) => ({
        Id: entry.Id,
        MessageId: randomUUID(),
        MD5OfMessageBody: "",
      })),
      Failed: [],
    };
  };
}
