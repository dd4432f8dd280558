import { applicableTimezone } from "#shared/domain/catalog.js";
import { lagoDecimal } from "#shared/domain/charge-fees.js";
import { billingDate } from "#shared/domain/periods.js";
import { billingWindow, subscriptionPeriodAt } from "#shared/domain/subscription-periods.js";
import type { ApiRequest } from "#shared/platform/http/api-handler.js";
import { invalid, notFound } from "#shared/platform/http/errors.js";
import { type HttpResponse, ok } from "#shared/platform/http/responses.js";
import type { CatalogStore } from "#shared/store/catalog-store.js";
import type { OrganizationStore } from "#shared/store/organization-store.js";
import type { UsageStore } from "#shared/store/usage-store.js";
import { periodChargeFees } from "#shared/usage/period-charge-fees.js";

export interface CurrentUsageDeps {
  readonly catalog: CatalogStore;
  readonly usage: UsageStore;
  readonly organizations: OrganizationStore;
}

/**
 * GET /customers/{external_customer_id}/current_usage?external_subscription_id=…: the open
 * period's usage, priced, as Lago's `customer_usage`. Reads pre-aggregated usage only.
 */
export async function currentUsage(request: ApiRequest, deps: CurrentUsageDeps): Promise<HttpResponse> {
  const organizationId = request.organization.id;
  const externalSubscriptionId = request.query.get("external_subscription_id");
  if (!externalSubscriptionId) throw invalid("external_subscription_id", "value_is_mandatory");
  const [customer, subscription, organization] = await Promise.all([
    deps.catalog.getCustomer(organizationId, request.params.external_customer_id ?? ""),
    deps.catalog.getSubscription(organizationId, externalSubscriptionId),
    deps.organizations.get(organizationId),
  ]);
  if (!customer || !organization) throw notFound("customer");
  if (!subscription || subscription.customerId !== customer.id || subscription.status !== "active") {
    throw notFound("subscription");
  }
  const plan = await deps.catalog.planOf(subscription);
  if (!plan) throw notFound("plan");

  const timezone = applicableTimezone(customer, organization);
  const period = subscriptionPeriodAt(subscription, plan, timezone, request.receivedAt);
  const window = billingWindow(subscription, period, timezone);
  const fees = await periodChargeFees(deps, subscription, plan, window);
  const amountCents = fees.reduce((sum, fee) => sum + fee.amountCents, 0);
  return ok({
    customer_usage: {
      from_datetime: window.chargesFrom,
      to_datetime: window.toDatetime,
      issuing_date: billingDate(period),
      lago_invoice_id: null,
      currency: plan.amountCurrency,
      amount_cents: amountCents,
      // Taxes arrive with the catalog's tax resources; until then usage carries none.
      taxes_amount_cents: 0,
      total_amount_cents: amountCents,
      charges_usage: fees.map((fee) => ({
        units: lagoDecimal(fee.units),
        events_count: fee.eventsCount,
        amount_cents: fee.amountCents,
        amount_currency: plan.amountCurrency,
        charge: {
          lago_id: fee.charge.id,
          charge_model: fee.charge.chargeModel,
          invoice_display_name: fee.charge.invoiceDisplayName,
        },
        billable_metric: {
          lago_id: fee.metric.id,
          name: fee.metric.name,
          code: fee.metric.code,
          aggregation_type: fee.metric.aggregationType,
        },
        filters: [],
        grouped_usage: [],
      })),
    },
  });
}
