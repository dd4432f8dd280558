import { describe, expect, it } from "vitest";
import { DEFAULT_ROUTE, type FunctionSpec, routeTable } from "../wiring.js";
import { compileRoutes, matchRoute } from "./api-gateway.js";

const fn = (id: string) => ({ id }) as FunctionSpec;

describe("local API Gateway routing", () => {
  const routes = compileRoutes([
    { routeKey: "GET /api/v1/customers/{external_customer_id}", fn: fn("catalog") },
    { routeKey: "GET /api/v1/customers/{external_customer_id}/current_usage", fn: fn("usage") },
    { routeKey: "GET /api/v1/events/{transaction_id}", fn: fn("byId") },
    { routeKey: "GET /api/v1/events/batch", fn: fn("literal") },
    { routeKey: DEFAULT_ROUTE, fn: fn("fallback") },
  ]);

  it("extracts path parameters", () => {
    const match = matchRoute(routes, "GET", "/api/v1/customers/cus%231/current_usage");
    expect(match?.route.fn.id).toBe("usage");
    expect(match?.pathParameters).toEqual({ external_customer_id: "cus%231" });
  });

  it("prefers the route with more literal segments, as API Gateway does", () => {
    expect(matchRoute(routes, "GET", "/api/v1/events/batch")?.route.fn.id).toBe("literal");
    expect(matchRoute(routes, "GET", "/api/v1/events/tx-1")?.route.fn.id).toBe("byId");
  });

  it("sends other methods and paths to $default", () => {
    expect(matchRoute(routes, "DELETE", "/api/v1/customers/x")?.route.routeKey).toBe(DEFAULT_ROUTE);
    expect(matchRoute(routes, "GET", "/api/v2/customers")?.route.routeKey).toBe(DEFAULT_ROUTE);
  });
});

describe("the wiring", () => {
  it("gives every route key to exactly one function, as API Gateway requires", () => {
    const keys = routeTable().map((route) => route.routeKey);
    expect(new Set(keys).size).toBe(keys.length);
    expect(keys.filter((key) => key === DEFAULT_ROUTE)).toHaveLength(1);
  });

  it("names path parameters the same at the same position, so sibling routes cannot conflict", () => {
    const byPosition = new Map<string, string>();
    for (const { routeKey } of routeTable()) {
      const segments = routeKey.split(" ")[1]?.split("/") ?? [];
      segments.forEach((segment, index) => {
        if (!segment.startsWith("{")) return;
        const prefix = `${segments.slice(0, index).join("/")}#${index}`;
        const seen = byPosition.get(prefix);
        if (seen) expect(segment, routeKey).toBe(seen);
        else byPosition.set(prefix, segment);
      });
    }
  });
});
