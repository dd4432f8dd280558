import { injectLambdaContext } from "@aws-lambda-powertools/logger/middleware";
import middy from "@middy/core";
import type { APIGatewayProxyEventV2, Context } from "aws-lambda";
import type { Organization } from "../../domain/catalog.js";
import { createLogger } from "../logger.js";
import { type ApiKeyResolver, apiKeyAuth } from "./api-key-auth.js";
import { badRequest, LagoHttpError, notFound } from "./errors.js";
import { jsonBody } from "./json-body.js";
import { lagoErrors } from "./lago-errors.js";
import { MAX_ID_LENGTH } from "./limits.js";
import type { HttpResponse } from "./responses.js";

/** What a route handler gets: the authenticated organization and the parsed request. */
export interface ApiRequest {
  readonly organization: Organization;
  readonly params: Readonly<Record<string, string>>;
  readonly query: URLSearchParams;
  readonly body: unknown;
  /** When API Gateway received the request (UTC ISO): the default event timestamp, `now` for reads. */
  readonly receivedAt: string;
  /** The body holds integers beyond 2^53, kept exact as `LosslessNumber`s (see json-body.ts). */
  readonly exactNumbers: boolean;
}

export type RouteHandler = (request: ApiRequest) => Promise<HttpResponse>;

export type ApiEvent = APIGatewayProxyEventV2 & {
  parsedBody?: unknown;
  exactNumbers?: boolean;
  organization?: Organization;
};

export interface ApiOptions<Route extends string> {
  readonly service: string;
  readonly routes: Readonly<Record<Route, RouteHandler>>;
  readonly resolveApiKey: ApiKeyResolver;
}

/** The root key Lago requires around a resource (`{"customer": {...}}`), or Lago's 400. */
export function rootParam(body: unknown, key: string): unknown {
  const value =
    body !== null && typeof body === "object" ? (body as Record<string, unknown>)[key] : undefined;
  if (
    value === undefined ||
    value === null ||
    (typeof value === "object" && Object.keys(value).length === 0)
  ) {
    throw badRequest(`param is missing or the value is empty: ${key}`);
  }
  return value;
}

/**
 * A Lambda handler for API Gateway HTTP API (payload 2.0) routes. API Gateway has already matched
 * the route, so dispatch is a lookup on `routeKey`; every cross-cutting concern (errors in Lago's
 * shape, JSON parsing, API-key authentication, logging) is a middleware, and route handlers keep
 * only their business logic.
 */
export function createApiHandler<Route extends string>(options: ApiOptions<Route>) {
  const logger = createLogger(options.service);
  const routes: Readonly<Record<string, RouteHandler>> = options.routes;
  return (
    middy<ApiEvent, HttpResponse, Error, Context>()
      .use(injectLambdaContext(logger))
      .use(lagoErrors(logger))
      // Authentication reads headers only, and comes first: an anonymous caller learns nothing more.
      .use(apiKeyAuth(options.resolveApiKey))
      .use(jsonBody())
      .handler(async (event) => {
        const route = routes[event.routeKey];
        if (!route) throw notFound("route");
        if (!event.organization) throw new LagoHttpError(401, { status: 401, error: "Unauthorized" });
        return route({
          organization: event.organization,
          params: decodeParams(event.routeKey, event.pathParameters),
          query: new URLSearchParams(event.rawQueryString ?? ""),
          body: event.parsedBody,
          receivedAt: new Date(event.requestContext.timeEpoch).toISOString(),
          exactNumbers: event.exactNumbers ?? false,
        });
      })
  );
}

/**
 * Path parameters, percent-decoded. A parameter that is not valid percent-encoding, not valid
 * Unicode or longer than any stored identifier names nothing that can exist: Lago's 404 for the
 * route's resource, before any lookup (a key that long is not even a valid DynamoDB key).
 */
function decodeParams(
  routeKey: string,
  params: APIGatewayProxyEventV2["pathParameters"],
): Record<string, string> {
  const decoded: Record<string, string> = {};
  for (const [name, value] of Object.entries(params ?? {})) {
    if (value === undefined) continue;
    let text: string;
    try {
      text = decodeURIComponent(value);
    } catch {
      throw notFound(resourceOfParam(routeKey, name));
    }
    if (text.length > MAX_ID_LENGTH || !text.isWellFormed()) throw notFound(resourceOfParam(routeKey, name));
    decoded[name] = text;
  }
  return decoded;
}

/**
 * Lago's resource name for a path parameter: the collection segment before it, singular
 * (`GET /api/v1/customers/{external_customer_id}` → `customer`, `/taxes/{code}` → `tax`).
 */
export function resourceOfParam(routeKey: string, param: string): string {
  const segments = routeKey.split(" ")[1]?.split("/") ?? [];
  const collection = segments[segments.indexOf(`{${param}}`) - 1] ?? "resource";
  if (collection.endsWith("xes")) return collection.slice(0, -2);
  return collection.endsWith("s") ? collection.slice(0, -1) : collection;
}
