/** Usage read routes, as API Gateway route keys. Read by `infra/wiring.ts` and the router. */
export const aggregateRoutes = [
  "GET /api/v1/events",
  "GET /api/v1/events/{transaction_id}",
  "GET /api/v1/customers/{external_customer_id}/current_usage",
  "GET /api/v1/customers/{external_customer_id}/past_usage",
] as const;

export type AggregateRoute = (typeof aggregateRoutes)[number];
