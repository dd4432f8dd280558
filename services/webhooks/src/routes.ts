/** The webhooks service's public routes, as API Gateway route keys. Read by `infra/wiring.ts` and the router. */
export const webhooksRoutes = [
  "GET /api/v1/webhooks/public_key",
  "GET /api/v1/webhooks/json_public_key",
  // Our extension of Lago's API (README, "Webhooks"): an endpoint's deliveries, and a resend.
  "GET /api/v1/webhook_endpoints/{lago_id}/webhooks",
  "POST /api/v1/webhooks/{lago_id}/retry",
] as const;

export type WebhooksRoute = (typeof webhooksRoutes)[number];
