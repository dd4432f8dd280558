import { HttpMethod, HttpRouteKey } from "aws-cdk-lib/aws-apigatewayv2";
import { DEFAULT_ROUTE } from "../wiring.js";

const METHODS: ReadonlySet<string> = new Set(Object.values(HttpMethod));

/**
 * Turns a wiring route key (`GET /api/v1/plans/{code}` or `$default`) into the CDK form. A typo in
 * the wiring fails the synth here instead of deploying a route API Gateway would reject.
 */
export function toHttpRouteKey(routeKey: string): HttpRouteKey {
  if (routeKey === DEFAULT_ROUTE) return HttpRouteKey.DEFAULT;
  const match = /^([A-Z]+) (\/\S*)$/.exec(routeKey);
  const method = match?.[1];
  const path = match?.[2];
  if (!method || !path || !METHODS.has(method)) {
    throw new Error(`Route key "${routeKey}" is not "METHOD /path" or "${DEFAULT_ROUTE}"`);
  }
  return HttpRouteKey.with(path, method as HttpMethod);
}
