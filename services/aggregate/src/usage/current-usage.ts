import { applicableTimezone } from "#shared/domain/catalog.js";
import { billingDate } from "#shared/domain/periods.js";
import { billingWindow, subscriptionPeriodAt } from "#shared/domain/subscription-periods.js";
import { applicableTaxCodes, invoiceTaxes } from "#shared/domain/taxes.js";
import type { ApiRequest } from "#shared/platform/http/api-handler.js";
import { invalid, notFound } from "#shared/platform/http/errors.js";
import { type HttpResponse, ok } from "#shared/platform/http/responses.js";
import type { CatalogStore } from "#shared/store/catalog-store.js";
import type { EventStore } from "#shared/store/event-store.js";
import type { OrganizationStore } from "#shared/store/organization-store.js";
import { periodChargeFees } from "#shared/usage/period-charge-fees.js";
import { chargesUsage } from "./charges-usage.js";

export interface CurrentUsageDeps {
  readonly catalog: CatalogStore;
  readonly events: EventStore;
  readonly organizations: OrganizationStore;
}

/**
 * GET /customers/{external_customer_id}/current_usage?external_subscription_id=…: the open
 * period's usage, priced, as Lago's `customer_usage`.
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
  const [fees, organizationTaxes] = await Promise.all([
    periodChargeFees(deps, subscription, plan, window, timezone),
    deps.catalog.listTaxes(organizationId),
  ]);
  const amountCents = fees.reduce((sum, fee) => sum + fee.amountCents, 0);
  const taxes = invoiceTaxes(
    fees.map((fee) => ({
      amountCents: fee.amountCents,
      taxCodes: applicableTaxCodes({
        chargeTaxCodes: fee.charge.taxCodes,
        plan,
        customer,
        organizationTaxes,
      }),
    })),
    new Map(organizationTaxes.map((tax) => [tax.code, tax])),
  );
  return ok({
    customer_usage: {
      from_datetime: window.chargesFrom,
      to_datetime: window.toDatetime,
      issuing_date: billingDate(period),
      lago_invoice_id: null,
      currency: plan.amountCurrency,
      amount_cents: amountCents,
      taxes_amount_cents: taxes.amountCents,
      total_amount_cents: amountCents + taxes.amountCents,
      charges_usage: chargesUsage(fees, plan.amountCurrency),
    },
  });
}
