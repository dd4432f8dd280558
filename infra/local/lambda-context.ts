import { randomUUID } from "node:crypto";
import type { Context } from "aws-lambda";
import type { FunctionSpec } from "../wiring.js";

/** A Lambda context for a local invocation, with the function's own name, memory and deadline. */
export function lambdaContext(fn: FunctionSpec): Context {
  const deadline = Date.now() + fn.timeoutSeconds * 1000;
  return {
    callbackWaitsForEmptyEventLoop: true,
    functionName: fn.id,
    functionVersion: "$LATEST",
    invokedFunctionArn: `arn:aws:lambda:${process.env.AWS_REGION ?? "us-east-1"}:000000000000:function:${fn.id}`,
    memoryLimitInMB: String(fn.memoryMiB),
    awsRequestId: randomUUID(),
    logGroupName: `/aws/lambda/${fn.id}`,
    logStreamName: "local",
    getRemainingTimeInMillis: () => Math.max(0, deadline - Date.now()),
    done: () => undefined,
    fail: () => undefined,
    succeed: () => undefined,
  };
}

export type LambdaHandler = (event: unknown, context: Context) => Promise<unknown>;

/** Imports a function's handler the way Lambda would run it: the `handler` export of its entry. */
export async function loadHandler(root: URL, fn: FunctionSpec): Promise<LambdaHandler> {
  const module = (await import(new URL(fn.entry, root).href)) as { handler?: LambdaHandler };
  if (typeof module.handler !== "function") throw new Error(`${fn.entry} does not export a handler`);
  return module.handler;
}
