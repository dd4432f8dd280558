import { injectLambdaContext } from "@aws-lambda-powertools/logger/middleware";
import middy from "@middy/core";
import type { APIGatewayProxyEventV2, Context } from "aws-lambda";
import type { Organization } from "../../domain/catalog.js";
import { createLogger } from "../logger.js";
import { type ApiKeyResolver, apiKeyAuth } from "./api-key-auth.js";
import { badRequest, LagoHttpError, notFound } from "./errors.js";
import { jsonBody } from "./json-body.js";
import { lagoErrors } from "./lago-errors.js";
import type { HttpResponse } from "./responses.js";

/** What a route handler gets: the authenticated organization and the parsed request. */
export interface ApiRequest {
  readonly organization: Organization;
  readonly params: Readonly<Record<string, string>>;
  readonly query: URLSearchParams;
  readonly body: unknown;
  /** When API Gateway received the request (UTC ISO): the default event timestamp, `now` for reads. */
  readonly receivedAt: string;
}

export type RouteHandler = (request: ApiRequest) => Promise<HttpResponse>;

export type ApiEvent = APIGatewayProxyEventV2 & { parsedBody?: unknown; organization?: Organization };

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
          params: decodeParams(event.pathParameters),
          query: new URLSearchParams(event.rawQueryString ?? ""),
          body: event.parsedBody,
          receivedAt: new Date(event.requestContext.timeEpoch).toISOString(),
        });
      })
  );
}

function decodeParams(params: APIGatewayProxyEventV2["pathParameters"]): Record<string, string> {
  const decoded: Record<string, string> = {};
  for (const [name, value] of Object.entries(params ?? {})) {
    if (value !== undefined) decoded[name] = decodeURIComponent(value);
  }
  return decoded;
}
