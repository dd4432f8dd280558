/** The catalog's public routes, as API Gateway route keys. Read by `infra/wiring.ts` and the router. */
export const catalogRoutes = [
  "GET /api/v1/organizations",
  "PUT /api/v1/organizations",
  "POST /api/v1/billable_metrics",
  "GET /api/v1/billable_metrics",
  "GET /api/v1/billable_metrics/{code}",
  "POST /api/v1/plans",
  "GET /api/v1/plans",
  "GET /api/v1/plans/{code}",
  "POST /api/v1/customers",
  "GET /api/v1/customers",
  "GET /api/v1/customers/{external_customer_id}",
  "POST /api/v1/subscriptions",
  "GET /api/v1/subscriptions",
  "GET /api/v1/subscriptions/{external_id}",
] as const;

export type CatalogRoute = (typeof catalogRoutes)[number];
