import { createApiHandler } from "#shared/platform/http/api-handler.js";
import { CatalogStore } from "#shared/store/catalog-store.js";
import { apiKeyResolver, OrganizationStore } from "#shared/store/organization-store.js";
import {
  createBillableMetric,
  getBillableMetric,
  listBillableMetrics,
} from "../billable-metrics/billable-metric-routes.js";
import { createCustomer, getCustomer, listCustomers } from "../customers/customer-routes.js";
import { getOrganization, updateOrganization } from "../organizations/organization-routes.js";
import { createPlan, getPlan, listPlans } from "../plans/plan-routes.js";
import type { CatalogRoute } from "../routes.js";
import {
  createSubscription,
  getSubscription,
  listSubscriptions,
} from "../subscriptions/subscription-routes.js";

let stores: { catalog: CatalogStore; organizations: OrganizationStore } | undefined;

/** Built on first use, so resource names come from the environment the function runs in. */
function deps() {
  stores ??= { catalog: new CatalogStore(), organizations: new OrganizationStore() };
  return stores;
}

export const handler = createApiHandler<CatalogRoute>({
  service: "catalog-api",
  resolveApiKey: apiKeyResolver(),
  routes: {
    "GET /api/v1/organizations": (request) => getOrganization(request, deps().organizations),
    "PUT /api/v1/organizations": (request) => updateOrganization(request, deps().organizations),
    "POST /api/v1/billable_metrics": (request) => createBillableMetric(request, deps().catalog),
    "GET /api/v1/billable_metrics": (request) => listBillableMetrics(request, deps().catalog),
    "GET /api/v1/billable_metrics/{code}": (request) => getBillableMetric(request, deps().catalog),
    "POST /api/v1/plans": (request) => createPlan(request, deps().catalog),
    "GET /api/v1/plans": (request) => listPlans(request, deps().catalog),
    "GET /api/v1/plans/{code}": (request) => getPlan(request, deps().catalog),
    "POST /api/v1/customers": (request) => createCustomer(request, deps().catalog),
    "GET /api/v1/customers": (request) => listCustomers(request, deps().catalog),
    "GET /api/v1/customers/{external_customer_id}": (request) => getCustomer(request, deps().catalog),
    "POST /api/v1/subscriptions": (request) => createSubscription(request, deps()),
    "GET /api/v1/subscriptions": (request) => listSubscriptions(request, deps()),
    "GET /api/v1/subscriptions/{external_id}": (request) => getSubscription(request, deps()),
  },
});
