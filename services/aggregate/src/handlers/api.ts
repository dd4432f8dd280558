import { createApiHandler } from "#shared/platform/http/api-handler.js";
import { CatalogStore } from "#shared/store/catalog-store.js";
import { EventStore } from "#shared/store/event-store.js";
import { apiKeyResolver, OrganizationStore } from "#shared/store/organization-store.js";
import type { AggregateRoute } from "../routes.js";
import { type CurrentUsageDeps, currentUsage } from "../usage/current-usage.js";

let stores: CurrentUsageDeps | undefined;

/** Built on first use, so resource names come from the environment the function runs in. */
function deps(): CurrentUsageDeps {
  stores ??= {
    catalog: new CatalogStore(),
    events: new EventStore(),
    organizations: new OrganizationStore(),
  };
  return stores;
}

export const handler = createApiHandler<AggregateRoute>({
  service: "aggregate-api",
  resolveApiKey: apiKeyResolver(),
  routes: {
    "GET /api/v1/customers/{external_customer_id}/current_usage": (request) => currentUsage(request, deps()),
  },
});
