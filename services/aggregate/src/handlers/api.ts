import { GetCommand } from "@aws-sdk/lib-dynamodb";
import { documentClient } from "#shared/platform/aws-clients.js";
import { createApiHandler } from "#shared/platform/http/api-handler.js";
import { invoicingTable, resourceName } from "#shared/platform/resources.js";
import { CatalogStore } from "#shared/store/catalog-store.js";
import { EventStore } from "#shared/store/event-store.js";
import { invoiceItemKey, periodInvoiceId } from "#shared/store/invoice-keys.js";
import { apiKeyResolver, OrganizationStore } from "#shared/store/organization-store.js";
import { UsageStore } from "#shared/store/usage-store.js";
import { getEvent, listEvents } from "../events/event-routes.js";
import type { AggregateRoute } from "../routes.js";
import { type CurrentUsageDeps, currentUsage, pastUsage } from "../usage/current-usage.js";

let stores: CurrentUsageDeps | undefined;

/** Built on first use, so resource names come from the environment the function runs in. */
function deps(): CurrentUsageDeps {
  stores ??= {
    catalog: new CatalogStore(),
    events: new EventStore(),
    usage: new UsageStore(),
    organizations: new OrganizationStore(),
    invoiceExists: async (organizationId, subscriptionId, periodStartsAt) => {
      const id = periodInvoiceId(organizationId, subscriptionId, periodStartsAt);
      const { Item } = await documentClient().send(
        new GetCommand({
          TableName: resourceName(invoicingTable),
          Key: invoiceItemKey(organizationId, id),
          ProjectionExpression: "id",
        }),
      );
      return Item ? id : null;
    },
  };
  return stores;
}

export const handler = createApiHandler<AggregateRoute>({
  service: "aggregate-api",
  resolveApiKey: apiKeyResolver(),
  routes: {
    "GET /api/v1/events": (request) => listEvents(request, deps()),
    "GET /api/v1/events/{transaction_id}": (request) => getEvent(request, deps()),
    "GET /api/v1/customers/{external_customer_id}/current_usage": (request) => currentUsage(request, deps()),
    "GET /api/v1/customers/{external_customer_id}/past_usage": (request) => pastUsage(request, deps()),
  },
});
