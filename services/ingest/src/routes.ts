/** The ingest API's routes, as API Gateway route keys. Read by `infra/wiring.ts` and the router. */
export const ingestRoutes = ["POST /api/v1/events", "POST /api/v1/events/batch"] as const;

export type IngestRoute = (typeof ingestRoutes)[number];
