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

/**
 * Meters DynamoDB calls at the build step, where a document client's input is already in wire
 * format but its output is converted back: output items are marshalled again to be sized.
 * Conditional writes that fail still consume their units on AWS, and are counted as made.
 */
export function meterDynamo(client: { middlewareStack: Stack }, meter: Meter): void {
  const add = client.middlewareStack.add.bind(client.middlewareStack) as (
    middleware: unknown,
    options: object,
  ) => void;
  const wrote = (table: unknown, item: Wire, units: number) => {
    meter.writeUnits += units;
    const key = keyOf(table, item);
    meter.itemWrites.set(key, (meter.itemWrites.get(key) ?? 0) + 1);
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
        if (name === "PutItem")
          wrote(input.TableName, input.Item as Wire, writeUnits(itemSize(input.Item as Wire)));
        // Every item this code updates or deletes in place is under 1 KB.
        if (name === "UpdateItem" || name === "DeleteItem") wrote(input.TableName, input.Key as Wire, 1);
        if (name === "TransactWriteItems") {
          type Action = { TableName: string; Item?: Wire; Key?: Wire };
          for (const action of input.TransactItems as Array<Record<string, Action>>) {
            const [kind, body] = Object.entries(action)[0] as [string, Action];
            const units = kind === "Put" ? writeUnits(itemSize(body.Item as Wire)) : 1;
            // Transactions cost twice; a condition check consumes as a write.
            wrote(body.TableName, (body.Item ?? body.Key) as Wire, 2 * units);
          }
        }
        if (name === "BatchWriteItem") {
          for (const [table, requests] of Object.entries(
            input.RequestItems as Record<string, Array<{ PutRequest?: { Item: Wire } }>>,
          )) {
            for (const request of requests) {
              if (request.PutRequest)
                wrote(table, request.PutRequest.Item, writeUnits(itemSize(request.PutRequest.Item)));
            }
          }
        }
        const result = await next(args);
        const consistent = input.ConsistentRead === true;
        const size = (item: Record<string, unknown>) =>
          itemSize(marshall(item, { removeUndefinedValues: true }));
        if (name === "GetItem" && result.output.Item) {
          meter.readUnits += readUnits(size(result.output.Item as Record<string, unknown>), consistent);
        }
        if (name === "Query" || name === "Scan") {
          const items = (result.output.Items as Array<Record<string, unknown>> | undefined) ?? [];
          meter.readUnits += readUnits(
            items.reduce((sum, item) => sum + size(item), 0),
            consistent,
          );
        }
        if (name === "BatchGetItem") {
          const requests = input.RequestItems as Record<string, { ConsistentRead?: boolean }>;
          for (const [table, items] of Object.entries(
            (result.output.Responses ?? {}) as Record<string, Array<Record<string, unknown>>>,
          )) {
            // Each item of a batch read is rounded up on its own.
            for (const item of items)
              meter.readUnits += readUnits(size(item), requests[table]?.ConsistentRead === true);
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
