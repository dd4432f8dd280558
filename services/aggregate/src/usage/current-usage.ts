import type { CustomerUsageObject } from "lago-javascript-client";
import { applicableTimezone, type Customer, type Plan, type Subscription } from "#shared/domain/catalog.js";
import { type BillingPeriod, billingDate, periodAfter } from "#shared/domain/periods.js";
import {
  billingScheduleOf,
  billingWindow,
  subscriptionPeriodAt,
} from "#shared/domain/subscription-periods.js";
import { applicableTaxCodes, invoiceTaxes } from "#shared/domain/taxes.js";
import type { ApiRequest } from "#shared/platform/http/api-handler.js";
import { invalid, notFound } from "#shared/platform/http/errors.js";
import { pageOf, paginate } from "#shared/platform/http/pagination.js";
import { type HttpResponse, ok } from "#shared/platform/http/responses.js";
import { type Corrected, type LagoShape, lagoCurrency } from "#shared/serializers/lago-shape.js";
import type { CatalogStore } from "#shared/store/catalog-store.js";
import type { OrganizationStore } from "#shared/store/organization-store.js";
import { periodChargeFees, type UsageSources } from "#shared/usage/period-charge-fees.js";
import { type ChargeUsageShape, chargesUsage } from "./charges-usage.js";

type CustomerUsageShape = Corrected<LagoShape<CustomerUsageObject>, { charges_usage: ChargeUsageShape[] }>;

export interface CurrentUsageDeps extends UsageSources {
  readonly catalog: CatalogStore;
  readonly organizations: OrganizationStore;
  /** Whether the invoice of a subscription's period exists (past usage links it). */
  readonly invoiceExists: (
    organizationId: string,
    subscriptionId: string,
    periodStartsAt: string,
  ) => Promise<string | null>;
}

interface UsageContext {
  readonly subscription: Subscription;
  readonly customer: Customer;
  readonly plan: Plan;
  readonly timezone: string;
}

async function contextOf(
  request: ApiRequest,
  deps: CurrentUsageDeps,
  activeOnly: boolean,
): Promise<UsageContext> {
  const organizationId = request.organization.id;
  const externalSubscriptionId = request.query.get("external_subscription_id");
  if (!externalSubscriptionId) throw invalid("external_subscription_id", "value_is_mandatory");
  const [customer, subscription, organization] = await Promise.all([
    deps.catalog.getCustomer(organizationId, request.params.external_customer_id ?? ""),
    deps.catalog.getSubscription(organizationId, externalSubscriptionId),
    deps.organizations.get(organizationId),
  ]);
  if (!customer || !organization) throw notFound("customer");
  const visible =
    subscription &&
    (subscription.status === "active" || (!activeOnly && subscription.status === "terminated"));
  if (!subscription || subscription.customerId !== customer.id || !visible) throw notFound("subscription");
  const plan = await deps.catalog.planOf(subscription);
  if (!plan) throw notFound("plan");
  return { subscription, customer, plan, timezone: applicableTimezone(customer, organization) };
}

/** A period's usage, priced and taxed, as Lago's `customer_usage` object. */
async function usageOf(
  deps: CurrentUsageDeps,
  context: UsageContext,
  period: BillingPeriod,
  invoiceId: string | null,
): Promise<CustomerUsageShape> {
  const { subscription, customer, plan, timezone } = context;
  const window = billingWindow(subscription, period, timezone);
  const [fees, organizationTaxes] = await Promise.all([
    periodChargeFees(deps, subscription, plan, window, timezone),
    deps.catalog.listTaxes(subscription.organizationId),
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
  return {
    from_datetime: window.chargesFrom,
    to_datetime: window.toDatetime,
    issuing_date: billingDate(period),
    lago_invoice_id: invoiceId,
    currency: lagoCurrency(plan.amountCurrency),
    amount_cents: amountCents,
    taxes_amount_cents: taxes.amountCents,
    total_amount_cents: amountCents + taxes.amountCents,
    charges_usage: chargesUsage(fees, plan.amountCurrency),
  };
}

/**
 * GET /customers/{external_customer_id}/current_usage?external_subscription_id=…: the open
 * period's usage, priced, as Lago's `customer_usage`, from pre-aggregated usage.
 */
export async function currentUsage(request: ApiRequest, deps: CurrentUsageDeps): Promise<HttpResponse> {
  const context = await contextOf(request, deps, true);
  const period = subscriptionPeriodAt(
    context.subscription,
    context.plan,
    context.timezone,
    request.receivedAt,
  );
  return ok({ customer_usage: await usageOf(deps, context, period, null) });
}

/**
 * GET /customers/{external_customer_id}/past_usage?external_subscription_id=…[&periods_count=n]:
 * the usage of the subscription's closed periods, newest first, each with its invoice if made.
 */
export async function pastUsage(request: ApiRequest, deps: CurrentUsageDeps): Promise<HttpResponse> {
  const context = await contextOf(request, deps, false);
  const { subscription, plan, timezone } = context;
  const requested = Number(request.query.get("periods_count") ?? "0");
  if (!Number.isInteger(requested) || requested < 0) throw invalid("periods_count", "value_is_invalid");
  const schedule = billingScheduleOf(subscription, plan, timezone);
  const until = subscription.terminatedAt ?? request.receivedAt;
  const closed: BillingPeriod[] = [];
  if (subscription.startedAt) {
    let period = subscriptionPeriodAt(subscription, plan, timezone, subscription.startedAt);
    while (period.endsAt <= until) {
      closed.push(period);
      period = periodAfter(schedule, timezone, period);
    }
    // A terminated subscription's last period closed early, at its termination.
    if (subscription.terminatedAt && period.startsAt <= subscription.terminatedAt) closed.push(period);
  }
  const newestFirst = closed.reverse().slice(0, requested > 0 ? requested : undefined);
  const { items, meta } = paginate(newestFirst, pageOf(request.query));
  const usagePeriods = await Promise.all(
    items.map(async (period) =>
      usageOf(
        deps,
        context,
        period,
        await deps.invoiceExists(subscription.organizationId, subscription.id, period.startsAt),
      ),
    ),
  );
  return ok({ usage_periods: usagePeriods, meta });
}
