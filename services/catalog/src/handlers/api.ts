import type { SubscriptionChanged } from "#shared/contracts/invoicing-messages.js";
import { sqsClient } from "#shared/platform/aws-clients.js";
import { createApiHandler, type RouteHandler } from "#shared/platform/http/api-handler.js";
import { invalid, LagoHttpError } from "#shared/platform/http/errors.js";
import { billingJobsQueue, resourceName } from "#shared/platform/resources.js";
import { enqueueMessages } from "#shared/platform/sqs/send-messages.js";
import { CatalogStore, ConcurrentChangeError, ItemTooLargeError } from "#shared/store/catalog-store.js";
import { apiKeyResolver, OrganizationStore } from "#shared/store/organization-store.js";
import * as addOns from "../add-ons/add-on-routes.js";
import * as appliedCoupons from "../applied-coupons/applied-coupon-routes.js";
import * as metrics from "../billable-metrics/billable-metric-routes.js";
import type { CatalogDeps } from "../catalog-deps.js";
import * as coupons from "../coupons/coupon-routes.js";
import * as customers from "../customers/customer-routes.js";
import { catalogEventPublisher } from "../events/catalog-publisher.js";
import * as organizations from "../organizations/organization-routes.js";
import * as plans from "../plans/plan-routes.js";
import { enqueueProviderCustomers } from "../provider-customers/provider-customers-queue.js";
import type { CatalogRoute } from "../routes.js";
import * as subscriptions from "../subscriptions/subscription-routes.js";
import * as taxes from "../taxes/tax-routes.js";
import * as webhooks from "../webhook-endpoints/webhook-endpoint-routes.js";

let built: CatalogDeps | undefined;

/** Built on first use, so resource names come from the environment the function runs in. */
function deps(): CatalogDeps {
  built ??= {
    catalog: new CatalogStore(),
    organizations: new OrganizationStore(),
    notifyInvoicing: async (changes: readonly SubscriptionChanged[]) => {
      await enqueueMessages(
        sqsClient(),
        resourceName(billingJobsQueue),
        changes.map((change) => JSON.stringify(change)),
      );
    },
    publish: catalogEventPublisher(),
    requestProviderCustomers: enqueueProviderCustomers,
  };
  return built;
}

/** Attempts of a change that keeps meeting concurrent ones before the client is told so. */
const MAX_ATTEMPTS = 4;

/**
 * What every catalog route shares. A change that met a concurrent one wrote nothing (each is all
 * or nothing, conditional on what it read), so it is made again from a fresh read. An item that
 * would pass DynamoDB's size limit is Lago's 422, never a 500.
 */
function guarded(route: RouteHandler): RouteHandler {
  return async (request) => {
    for (let attempt = 1; ; attempt++) {
      try {
        return await route(request);
      } catch (error) {
        if (error instanceof ItemTooLargeError) throw invalid(error.kind, "value_is_too_long");
        if (!(error instanceof ConcurrentChangeError)) throw error;
        if (attempt >= MAX_ATTEMPTS)
          throw new LagoHttpError(409, { status: 409, error: "Conflict", code: "concurrent_change" });
      }
    }
  };
}

const routes: Record<CatalogRoute, RouteHandler> = {
  "GET /api/v1/organizations": (r) => organizations.getOrganization(r, deps()),
  "PUT /api/v1/organizations": (r) => organizations.updateOrganization(r, deps()),
  "POST /api/v1/webhook_endpoints": (r) => webhooks.createWebhookEndpoint(r, deps().catalog),
  "GET /api/v1/webhook_endpoints": (r) => webhooks.listWebhookEndpoints(r, deps().catalog),
  "GET /api/v1/webhook_endpoints/{lago_id}": (r) => webhooks.getWebhookEndpoint(r, deps().catalog),
  "PUT /api/v1/webhook_endpoints/{lago_id}": (r) => webhooks.updateWebhookEndpoint(r, deps().catalog),
  "DELETE /api/v1/webhook_endpoints/{lago_id}": (r) => webhooks.deleteWebhookEndpoint(r, deps().catalog),
  "POST /api/v1/taxes": (r) => taxes.createTax(r, deps().catalog),
  "GET /api/v1/taxes": (r) => taxes.listTaxes(r, deps().catalog),
  "GET /api/v1/taxes/{code}": (r) => taxes.getTax(r, deps().catalog),
  "PUT /api/v1/taxes/{code}": (r) => taxes.updateTax(r, deps().catalog),
  "DELETE /api/v1/taxes/{code}": (r) => taxes.deleteTax(r, deps().catalog),
  "POST /api/v1/add_ons": (r) => addOns.createAddOn(r, deps().catalog),
  "GET /api/v1/add_ons": (r) => addOns.listAddOns(r, deps().catalog),
  "GET /api/v1/add_ons/{code}": (r) => addOns.getAddOn(r, deps().catalog),
  "PUT /api/v1/add_ons/{code}": (r) => addOns.updateAddOn(r, deps().catalog),
  "DELETE /api/v1/add_ons/{code}": (r) => addOns.deleteAddOn(r, deps().catalog),
  "POST /api/v1/coupons": (r) => coupons.createCoupon(r, deps().catalog),
  "GET /api/v1/coupons": (r) => coupons.listCoupons(r, deps().catalog),
  "GET /api/v1/coupons/{code}": (r) => coupons.getCoupon(r, deps().catalog),
  "PUT /api/v1/coupons/{code}": (r) => coupons.updateCoupon(r, deps().catalog),
  "DELETE /api/v1/coupons/{code}": (r) => coupons.deleteCoupon(r, deps().catalog),
  "POST /api/v1/applied_coupons": (r) => appliedCoupons.applyCoupon(r, deps().catalog),
  "GET /api/v1/applied_coupons": (r) => appliedCoupons.listAppliedCoupons(r, deps().catalog),
  "GET /api/v1/customers/{external_customer_id}/applied_coupons": (r) =>
    appliedCoupons.listCustomerAppliedCoupons(r, deps().catalog),
  "DELETE /api/v1/customers/{external_customer_id}/applied_coupons/{applied_coupon_id}": (r) =>
    appliedCoupons.removeAppliedCoupon(r, deps().catalog),
  "POST /api/v1/billable_metrics": (r) => metrics.createBillableMetric(r, deps().catalog),
  "GET /api/v1/billable_metrics": (r) => metrics.listBillableMetrics(r, deps().catalog),
  "GET /api/v1/billable_metrics/{code}": (r) => metrics.getBillableMetric(r, deps().catalog),
  "PUT /api/v1/billable_metrics/{code}": (r) => metrics.updateBillableMetric(r, deps().catalog),
  "DELETE /api/v1/billable_metrics/{code}": (r) => metrics.deleteBillableMetric(r, deps().catalog),
  "POST /api/v1/plans": (r) => plans.createPlan(r, deps()),
  "GET /api/v1/plans": (r) => plans.listPlans(r, deps()),
  "GET /api/v1/plans/{code}": (r) => plans.getPlan(r, deps()),
  "PUT /api/v1/plans/{code}": (r) => plans.updatePlan(r, deps()),
  "DELETE /api/v1/plans/{code}": (r) => plans.deletePlan(r, deps()),
  "POST /api/v1/customers": (r) => customers.createCustomer(r, deps()),
  "GET /api/v1/customers": (r) => customers.listCustomers(r, deps()),
  "GET /api/v1/customers/{external_customer_id}": (r) => customers.getCustomer(r, deps()),
  "DELETE /api/v1/customers/{external_customer_id}": (r) => customers.deleteCustomer(r, deps()),
  "POST /api/v1/subscriptions": (r) => subscriptions.createSubscription(r, deps()),
  "GET /api/v1/subscriptions": (r) => subscriptions.listSubscriptions(r, deps()),
  "GET /api/v1/subscriptions/{external_id}": (r) => subscriptions.getSubscription(r, deps()),
  "PUT /api/v1/subscriptions/{external_id}": (r) => subscriptions.updateSubscription(r, deps()),
  "DELETE /api/v1/subscriptions/{external_id}": (r) => subscriptions.terminateSubscription(r, deps()),
};

export const handler = createApiHandler<CatalogRoute>({
  service: "catalog-api",
  resolveApiKey: apiKeyResolver(),
  routes: Object.fromEntries(
    Object.entries(routes).map(([route, handle]) => [route, guarded(handle)]),
  ) as Record<CatalogRoute, RouteHandler>,
});
