/**
 * Counts every SDK call a client makes, the DynamoDB capacity each would consume on AWS, and the
 * writes each single item takes. Attached as middleware, so the code under measurement runs
 * unchanged.
 */
import type { AttributeValue } from "@aws-sdk/client-dynamodb";
import { marshall } from "@aws-sdk/util-dynamodb";
import { itemSize, readUnits, writeUnits } from "./capacity.js";

export interface Meter {
  calls: Map<string, number>;
  writeUnits: number;
  readUnits: number;
  /** Writes per item, keyed by table and primary key. */
  itemWrites: Map<string, number>;
  reset(): void;
  total(...commands: string[]): number;
  /** The most writes any one item took. */
  hottestItemWrites(): number;
}

export function newMeter(): Meter {
  const meter: Meter = {
    calls: new Map(),
    writeUnits: 0,
    readUnits: 0,
    itemWrites: new Map(),
    reset() {
      meter.calls.clear();
      meter.itemWrites.clear();
      meter.writeUnits = 0;
      meter.readUnits = 0;
    },
    total(...commands) {
      return commands.reduce((sum, command) => sum + (meter.calls.get(command) ?? 0), 0);
    },
    hottestItemWrites() {
      return Math.max(0, ...meter.itemWrites.values());
    },
  };
  return meter;
}

/** Any SDK client: only its middleware stack is used. */
type Stack = { add(...args: never[]): void };
type Wire = Record<string, AttributeValue>;

const keyOf = (table: unknown, item: Wire) => JSON.stringify([table, item.pk, item.sk]);

/** The item stored under a key now (wire format), read without being metered; undefined if none. */
export type StoredItem = (table: string, key: Wire) => Promise<Wire | undefined>;

const keyAttributes = (item: Wire): Wire => ({ pk: item.pk, sk: item.sk }) as Wire;

/**
 * Meters DynamoDB calls at the build step, where a document client's input is already in wire
 * format but its output is converted back: output items are marshalled again to be sized.
 * Conditional writes that fail still consume their units on AWS, and are counted as made. A read
 * of an item that does not exist consumes the minimum unit, as on AWS.
 *
 * Writes are sized by AWS's rule, the larger of the item before and after the write. With
 * `stored` (a reader of the table as it is, unmetered), each written item is read before the call
 * and, for updates, after it; without it, a put is sized by its new item and an update, delete or
 * condition check counts 1 unit (right for code whose items updated in place are under 1 KB).
 */
export function meterDynamo(client: { middlewareStack: Stack }, meter: Meter, stored?: StoredItem): void {
  const add = client.middlewareStack.add.bind(client.middlewareStack) as (
    middleware: unknown,
    options: object,
  ) => void;
  const wrote = (table: unknown, item: Wire, units: number) => {
    meter.writeUnits += units;
    const key = keyOf(table, item);
    meter.itemWrites.set(key, (meter.itemWrites.get(key) ?? 0) + 1);
  };
  interface Write {
    readonly table: string;
    readonly kind: "Put" | "Update" | "Delete" | "ConditionCheck";
    readonly key: Wire;
    readonly item?: Wire;
    readonly factor: number;
  }
  const writesOf = (name: string, input: Record<string, unknown>): Write[] => {
    const table = input.TableName as string;
    if (name === "PutItem") {
      const item = input.Item as Wire;
      return [{ table, kind: "Put", key: keyAttributes(item), item, factor: 1 }];
    }
    if (name === "UpdateItem") return [{ table, kind: "Update", key: input.Key as Wire, factor: 1 }];
    if (name === "DeleteItem") return [{ table, kind: "Delete", key: input.Key as Wire, factor: 1 }];
    if (name === "TransactWriteItems") {
      type Action = { TableName: string; Item?: Wire; Key?: Wire };
      // Transactions cost twice; a condition check consumes as a write.
      return (input.TransactItems as Array<Record<string, Action>>).map((action) => {
        const [kind, body] = Object.entries(action)[0] as [Write["kind"], Action];
        const key = body.Item ? keyAttributes(body.Item) : (body.Key as Wire);
        return { table: body.TableName, kind, key, ...(body.Item ? { item: body.Item } : {}), factor: 2 };
      });
    }
    if (name === "BatchWriteItem") {
      return Object.entries(
        input.RequestItems as Record<string, Array<{ PutRequest?: { Item: Wire } }>>,
      ).flatMap(([table, requests]) =>
        requests.flatMap((request) =>
          request.PutRequest
            ? [
                {
                  table,
                  kind: "Put" as const,
                  key: keyAttributes(request.PutRequest.Item),
                  item: request.PutRequest.Item,
                  factor: 1,
                },
              ]
            : [],
        ),
      );
    }
    return [];
  };
  const sizeStored = async (write: Write) => {
    const item = stored ? await stored(write.table, write.key) : undefined;
    return item ? itemSize(item) : 0;
  };
  add(
    (
      next: (args: { input: Record<string, unknown> }) => Promise<{ output: Record<string, unknown> }>,
      context: { commandName: string },
    ) =>
      async (args: { input: Record<string, unknown> }) => {
        const name = context.commandName.replace(/Command$/, "");
        meter.calls.set(name, (meter.calls.get(name) ?? 0) + 1);
        const input = args.input;
        const writes = writesOf(name, input);
        const before = stored ? await Promise.all(writes.map(sizeStored)) : [];
        const settle = async () => {
          for (const [index, write] of writes.entries()) {
            let bytes: number;
            if (!stored) bytes = write.kind === "Put" ? itemSize(write.item as Wire) : 0;
            else {
              const after =
                write.kind === "Put"
                  ? itemSize(write.item as Wire)
                  : write.kind === "Update"
                    ? await sizeStored(write)
                    : 0;
              bytes = Math.max(before[index] as number, after);
            }
            wrote(write.table, write.key, write.factor * writeUnits(bytes));
          }
        };
        let result: { output: Record<string, unknown> };
        try {
          result = await next(args);
        } finally {
          await settle();
        }
        const consistent = input.ConsistentRead === true;
        const size = (item: Record<string, unknown>) =>
          itemSize(marshall(item, { removeUndefinedValues: true }));
        if (name === "GetItem") {
          const item = result.output.Item as Record<string, unknown> | undefined;
          meter.readUnits += readUnits(item ? size(item) : 0, consistent);
        }
        if (name === "Query" || name === "Scan") {
          const items = (result.output.Items as Array<Record<string, unknown>> | undefined) ?? [];
          meter.readUnits += readUnits(
            items.reduce((sum, item) => sum + size(item), 0),
            consistent,
          );
        }
        if (name === "BatchGetItem") {
          const requests = input.RequestItems as Record<
            string,
            { Keys: unknown[]; ConsistentRead?: boolean }
          >;
          const unprocessed = (result.output.UnprocessedKeys ?? {}) as Record<string, { Keys: unknown[] }>;
          const responses = (result.output.Responses ?? {}) as Record<string, Array<Record<string, unknown>>>;
          for (const [table, request] of Object.entries(requests)) {
            const consistentBatch = request.ConsistentRead === true;
            const items = responses[table] ?? [];
            // Each item of a batch read is rounded up on its own, as a GetItem; a key with no item
            // consumes the minimum, one left unprocessed nothing.
            for (const item of items) meter.readUnits += readUnits(size(item), consistentBatch);
            const missing = request.Keys.length - items.length - (unprocessed[table]?.Keys.length ?? 0);
            meter.readUnits += Math.max(0, missing) * readUnits(0, consistentBatch);
          }
        }
        return result;
      },
    { step: "build", name: "capacityMeter" },
  );
}

/**
 * Counts calls of any client; with `reply`, answers them itself instead of sending (network
 * stubbed). Replies are in the caller's form (document form for a DynamoDB document client).
 */
export function meterCalls(
  client: { middlewareStack: Stack },
  meter: Meter,
  reply?: (name: string, input: Record<string, unknown>) => Record<string, unknown>,
): void {
  const add = client.middlewareStack.add.bind(client.middlewareStack) as (
    middleware: unknown,
    options: object,
  ) => void;
  add(
    (
      next: (args: { input: Record<string, unknown> }) => Promise<unknown>,
      context: { commandName: string },
    ) =>
      async (args: { input: Record<string, unknown> }) => {
        const name = context.commandName.replace(/Command$/, "");
        meter.calls.set(name, (meter.calls.get(name) ?? 0) + 1);
        if (reply) return { output: { $metadata: {}, ...reply(name, args.input) }, response: {} };
        return next(args);
      },
    { step: "build", name: "callMeter" },
  );
}

/**
 * Replaces a client's HTTP handler: every request is built, serialized and signed as usual, and
 * answered with `answer(request)` as a JSON body, which the client then parses as usual.
 */
export function stubNetwork(
  client: { config: object },
  answer: (request: { body: string; headers: Record<string, string> }) => unknown,
): void {
  const encoder = new TextEncoder();
  Object.assign(client.config, {
    requestHandler: {
      handle: async (request: { body?: unknown; headers: Record<string, string> }) => {
        const body =
          typeof request.body === "string"
            ? request.body
            : new TextDecoder().decode(request.body as Uint8Array);
        return {
          response: {
            statusCode: 200,
            headers: { "content-type": "application/x-amz-json-1.0" },
            body: encoder.encode(JSON.stringify(answer({ body, headers: request.headers }))),
          },
        };
      },
      updateHttpClientConfig: () => undefined,
      httpHandlerConfigs: () => ({}),
    },
  });
}
