/**
 * API Gateway HTTP API (payload format 2.0), locally: matches a request to a route key of the
 * wiring the way API Gateway does (most specific route first, `$default` for the rest), builds the
 * same event, and writes back the handler's structured result.
 */
import { randomUUID } from "node:crypto";
import type { IncomingMessage, ServerResponse } from "node:http";
import type { APIGatewayProxyEventV2, APIGatewayProxyStructuredResultV2 } from "aws-lambda";
import { DEFAULT_ROUTE, type FunctionSpec } from "../wiring.js";

export interface Route {
  readonly routeKey: string;
  readonly method: string;
  readonly segments: readonly string[];
  readonly fn: FunctionSpec;
}

export interface RouteMatch {
  readonly route: Route;
  readonly pathParameters: Record<string, string>;
}

export function compileRoutes(entries: ReadonlyArray<{ routeKey: string; fn: FunctionSpec }>): Route[] {
  return entries.map(({ routeKey, fn }) => {
    if (routeKey === DEFAULT_ROUTE) return { routeKey, method: "ANY", segments: [], fn };
    const [method, path] = routeKey.split(" ") as [string, string];
    return { routeKey, method, segments: path.split("/").filter(Boolean), fn };
  });
}

/** The matching route with the most literal segments, as API Gateway prefers; else `$default`. */
export function matchRoute(routes: readonly Route[], method: string, path: string): RouteMatch | undefined {
  const segments = path.split("/").filter(Boolean);
  let best: { match: RouteMatch; literals: number } | undefined;
  for (const route of routes) {
    if (route.routeKey === DEFAULT_ROUTE) continue;
    if (route.method !== method && route.method !== "ANY") continue;
    if (route.segments.length !== segments.length) continue;
    const pathParameters: Record<string, string> = {};
    let literals = 0;
    const matches = route.segments.every((pattern, index) => {
      const actual = segments[index] as string;
      const parameter = /^\{(.+)\}$/.exec(pattern);
      if (parameter) {
        pathParameters[parameter[1] as string] = actual;
        return true;
      }
      literals++;
      return pattern === actual;
    });
    if (matches && (!best || literals > best.literals)) best = { match: { route, pathParameters }, literals };
  }
  if (best) return best.match;
  const fallback = routes.find((route) => route.routeKey === DEFAULT_ROUTE);
  return fallback ? { route: fallback, pathParameters: {} } : undefined;
}

async function readBody(request: IncomingMessage): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of request) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks).toString("utf8");
}

/** `now`: when "API Gateway" received the request, from the runtime's clock. */
export async function toApiGatewayEvent(
  request: IncomingMessage,
  match: RouteMatch,
  now: number,
): Promise<APIGatewayProxyEventV2> {
  const url = new URL(request.url ?? "/", "http://localhost");
  const headers: Record<string, string> = {};
  for (const [name, value] of Object.entries(request.headers)) {
    if (value !== undefined) headers[name.toLowerCase()] = Array.isArray(value) ? value.join(",") : value;
  }
  const queryStringParameters: Record<string, string> = {};
  for (const [name, value] of url.searchParams) {
    queryStringParameters[name] =
      name in queryStringParameters ? `${queryStringParameters[name]},${value}` : value;
  }
  const body = await readBody(request);
  return {
    version: "2.0",
    routeKey: match.route.routeKey,
    rawPath: url.pathname,
    rawQueryString: url.search.replace(/^\?/, ""),
    headers,
    queryStringParameters: Object.keys(queryStringParameters).length ? queryStringParameters : undefined,
    pathParameters: Object.keys(match.pathParameters).length ? match.pathParameters : undefined,
    requestContext: {
      accountId: "000000000000",
      apiId: "local",
      domainName: headers.host ?? "localhost",
      domainPrefix: "local",
      http: {
        method: request.method ?? "GET",
        path: url.pathname,
        protocol: `HTTP/${request.httpVersion}`,
        sourceIp: request.socket.remoteAddress ?? "127.0.0.1",
        userAgent: headers["user-agent"] ?? "",
      },
      requestId: randomUUID(),
      routeKey: match.route.routeKey,
      stage: "$default",
      time: new Date(now).toUTCString(),
      timeEpoch: now,
    },
    body: body.length > 0 ? body : undefined,
    isBase64Encoded: false,
  };
}

export function writeResult(response: ServerResponse, result: unknown): void {
  // Like API Gateway: a structured result is used as is; anything else is a 200 JSON body.
  const structured =
    result && typeof result === "object" && "statusCode" in result
      ? (result as APIGatewayProxyStructuredResultV2)
      : { statusCode: 200, headers: { "content-type": "application/json" }, body: JSON.stringify(result) };
  const body = structured.isBase64Encoded
    ? Buffer.from(structured.body ?? "", "base64")
    : (structured.body ?? "");
  response.writeHead(structured.statusCode ?? 200, { ...(structured.headers as Record<string, string>) });
  response.end(body);
}
