/** Invoicing's public routes, as API Gateway route keys. Read by `infra/wiring.ts` and the router. */
export const invoicingRoutes = [
  "GET /api/v1/invoices",
  "POST /api/v1/invoices",
  "GET /api/v1/customers/{external_customer_id}/invoices",
  "GET /api/v1/fees",
  "GET /api/v1/fees/{lago_id}",
  "PUT /api/v1/fees/{lago_id}",
  "DELETE /api/v1/fees/{lago_id}",
  "GET /api/v1/invoices/{lago_id}",
  "PUT /api/v1/invoices/{lago_id}/refresh",
  "PUT /api/v1/invoices/{lago_id}/finalize",
  "POST /api/v1/invoices/{lago_id}/void",
  "PUT /api/v1/invoices/{lago_id}",
  "POST /api/v1/invoices/{lago_id}/retry_payment",
  "POST /api/v1/invoices/{lago_id}/download",
  "POST /api/v1/payments",
  "GET /api/v1/payments",
  "GET /api/v1/payments/{lago_id}",
  "POST /api/v1/credit_notes",
  "POST /api/v1/credit_notes/estimate",
  "GET /api/v1/credit_notes",
  "GET /api/v1/credit_notes/{lago_id}",
  "PUT /api/v1/credit_notes/{lago_id}",
  "PUT /api/v1/credit_notes/{lago_id}/void",
  "POST /api/v1/credit_notes/{lago_id}/download",
  "GET /api/v1/customers/{external_customer_id}/credit_notes",
  // Beside the event routes, but served here: it prices with invoicing's pay-in-advance usage.
  "POST /api/v1/events/estimate_fees",
] as const;

export type InvoicingRoute = (typeof invoicingRoutes)[number];

/** Stripe's webhooks, public (signed by Stripe, no API key), served by a function of their own. */
export const stripeWebhookRoutes = ["POST /webhooks/stripe/{organization_id}"] as const;
