/**
 * Counts every SDK call a client makes, and the DynamoDB capacity each would consume on AWS.
 * Attached as middleware, so the code under measurement runs unchanged.
 */
import type { AttributeValue } from "@aws-sdk/client-dynamodb";
import { marshall } from "@aws-sdk/util-dynamodb";
import { itemSize, readUnits, writeUnits } from "./capacity.js";

export interface Meter {
  calls: Map<string, number>;
  writeUnits: number;
  readUnits: number;
  reset(): void;
  total(...commands: string[]): number;
}

export function newMeter(): Meter {
  const meter: Meter = {
    calls: new Map(),
    writeUnits: 0,
    readUnits: 0,
    reset() {
      meter.calls.clear();
      meter.writeUnits = 0;
      meter.readUnits = 0;
    },
    total(...commands) {
      return commands.reduce((sum, command) => sum + (meter.calls.get(command) ?? 0), 0);
    },
  };
  return meter;
}

/** Any SDK client: only its middleware stack is used. */
type Stack = { add(...args: never[]): void };

/**
 * Meters DynamoDB calls at the build step, where a document client's input is already in wire
 * format but its output is converted back: output items are marshalled again to be sized.
 */
export function meterDynamo(client: { middlewareStack: Stack }, meter: Meter): void {
  const add = client.middlewareStack.add.bind(client.middlewareStack) as (
    middleware: unknown,
    options: object,
  ) => void;
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
          meter.writeUnits += writeUnits(itemSize(input.Item as Record<string, AttributeValue>));
        if (name === "TransactWriteItems") {
          for (const action of input.TransactItems as Array<{
            Put?: { Item: Record<string, AttributeValue> };
          }>) {
            // Updates are counted at 1 KB, the size of every item this code updates.
            meter.writeUnits += 2 * (action.Put ? writeUnits(itemSize(action.Put.Item)) : 1);
          }
        }
        if (name === "UpdateItem" || name === "DeleteItem") meter.writeUnits += 1;
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
