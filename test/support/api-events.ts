import { randomUUID } from "node:crypto";
import type { APIGatewayProxyEventV2, APIGatewayProxyStructuredResultV2, Context } from "aws-lambda";

export interface ApiCall {
  readonly apiKey?: string;
  readonly body?: unknown;
  /** A raw body, sent as is (malformed JSON tests). */
  readonly rawBody?: string;
  readonly params?: Record<string, string>;
  readonly query?: string;
  /** API Gateway's reception time. */
  readonly at?: string;
}

/** An API Gateway HTTP API (payload 2.0) event, as API Gateway would build it for `routeKey`. */
export function apiEvent(routeKey: string, call: ApiCall = {}): APIGatewayProxyEventV2 {
  const [method = "GET", path = "/"] = routeKey.split(" ");
  const rawPath = Object.entries(call.params ?? {}).reduce(
    (p, [name, value]) => p.replace(`{${name}}`, encodeURIComponent(value)),
    path,
  );
  const time = call.at ? Date.parse(call.at) : Date.now();
  const body = call.rawBody ?? (call.body === undefined ? undefined : JSON.stringify(call.body));
  return {
    version: "2.0",
    routeKey,
    rawPath,
    rawQueryString: call.query ?? "",
    headers: {
      "content-type": "application/json",
      ...(call.apiKey ? { authorization: `Bearer ${call.apiKey}` } : {}),
    },
    pathParameters: call.params,
    requestContext: {
      accountId: "000000000000",
      apiId: "test",
      domainName: "localhost",
      domainPrefix: "test",
      http: { method, path: rawPath, protocol: "HTTP/1.1", sourceIp: "127.0.0.1", userAgent: "vitest" },
      requestId: randomUUID(),
      routeKey,
      stage: "$default",
      time: new Date(time).toUTCString(),
      timeEpoch: time,
    },
    body,
    isBase64Encoded: false,
  };
}

export const testContext = (): Context =>
  ({
    functionName: "test",
    awsRequestId: randomUUID(),
    getRemainingTimeInMillis: () => 60_000,
  }) as Context;

type ApiHandler = (event: APIGatewayProxyEventV2, context: Context) => Promise<unknown>;

/** Invokes an API handler and parses its JSON answer. */
export async function invoke(
  handler: ApiHandler,
  routeKey: string,
  call: ApiCall = {},
): Promise<{ status: number; body: Record<string, unknown> }> {
  const result = (await handler(
    apiEvent(routeKey, call),
    testContext(),
  )) as APIGatewayProxyStructuredResultV2;
  return { status: result.statusCode ?? 200, body: result.body ? JSON.parse(result.body) : {} };
}
