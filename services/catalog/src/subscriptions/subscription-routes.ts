import { randomUUID } from "node:crypto";
import { z } from "zod";
import { applicableTimezone, type Subscription } from "#shared/domain/catalog.js";
import { BILLING_TIMES, localDate } from "#shared/domain/periods.js";
import { subscriptionPeriodAt } from "#shared/domain/subscription-periods.js";
import { type ApiRequest, rootParam } from "#shared/platform/http/api-handler.js";
import { invalid, notFound } from "#shared/platform/http/errors.js";
import { pageOf, paginate } from "#shared/platform/http/pagination.js";
import { type HttpResponse, ok } from "#shared/platform/http/responses.js";
import { parseOrReject } from "#shared/platform/http/validation.js";
import { AlreadyExistsError, type CatalogStore } from "#shared/store/catalog-store.js";
import type { OrganizationStore } from "#shared/store/organization-store.js";
import { upsertCustomer } from "../customers/customer-routes.js";
import { newestFirst } from "../shared-schemas.js";
import { serializeSubscription } from "./serialize.js";

const isoInstant = z
  .string()
  .refine((value) => !Number.isNaN(Date.parse(value)), { message: "invalid_date" })
  .transform((value) => new Date(value).toISOString());

const subscriptionInput = z.object({
  external_customer_id: z.string().trim().min(1, { message: "value_is_mandatory" }),
  plan_code: z.string().trim().min(1, { message: "value_is_mandatory" }),
  external_id: z.string().trim().min(1, { message: "value_is_mandatory" }),
  name: z.string().nullable().optional(),
  subscription_at: isoInstant.nullable().optional(),
  ending_at: isoInstant.nullable().optional(),
  billing_time: z.enum(BILLING_TIMES, { message: "value_is_invalid" }).optional(),
});

export interface SubscriptionDeps {
  readonly catalog: CatalogStore;
  readonly organizations: OrganizationStore;
}

async function timezoneOf(deps: SubscriptionDeps, organizationId: string, externalCustomerId: string) {
  const [organization, customer] = await Promise.all([
    deps.organizations.get(organizationId),
    deps.catalog.getCustomer(organizationId, externalCustomerId),
  ]);
  if (!organization || !customer) throw notFound(customer ? "organization" : "customer");
  return applicableTimezone(customer, organization);
}

async function present(deps: SubscriptionDeps, subscription: Subscription, now: string) {
  const plan = await deps.catalog.getPlan(subscription.organizationId, subscription.planCode);
  if (!plan || subscription.status !== "active") return serializeSubscription(subscription, null);
  const timezone = await timezoneOf(deps, subscription.organizationId, subscription.externalCustomerId);
  return serializeSubscription(subscription, subscriptionPeriodAt(subscription, plan, timezone, now));
}

/**
 * Creates a subscription. Like Lago, a subscription starting today or in the past is active at
 * once (usage counts from `subscription_at`), a later one is pending; an unknown customer is
 * created on the way. Sending the same subscription again returns it unchanged.
 */
export async function createSubscription(request: ApiRequest, deps: SubscriptionDeps): Promise<HttpResponse> {
  const input = parseOrReject(subscriptionInput, rootParam(request.body, "subscription"));
  const organizationId = request.organization.id;
  const plan = await deps.catalog.getPlan(organizationId, input.plan_code);
  if (!plan) throw notFound("plan");

  const existing = await deps.catalog.getSubscription(organizationId, input.external_id);
  if (existing) {
    if (existing.planCode === plan.code && existing.externalCustomerId === input.external_customer_id) {
      return ok({ subscription: await present(deps, existing, request.receivedAt) });
    }
    throw invalid("external_id", "value_already_exist");
  }

  const customer = await upsertCustomer(
    deps.catalog,
    organizationId,
    { external_id: input.external_customer_id },
    request.receivedAt,
  );
  if (customer.currency && customer.currency !== plan.amountCurrency)
    throw invalid("currency", "currencies_does_not_match");
  if (!customer.currency) await deps.catalog.updateCustomer({ ...customer, currency: plan.amountCurrency });

  const timezone = await timezoneOf(deps, organizationId, customer.externalId);
  const subscriptionAt = input.subscription_at ?? request.receivedAt;
  const startsNow = localDate(subscriptionAt, timezone) <= localDate(request.receivedAt, timezone);
  const subscription: Subscription = {
    id: randomUUID(),
    organizationId,
    externalId: input.external_id,
    customerId: customer.id,
    externalCustomerId: customer.externalId,
    planId: plan.id,
    planCode: plan.code,
    name: input.name ?? null,
    status: startsNow ? "active" : "pending",
    billingTime: input.billing_time ?? "calendar",
    subscriptionAt,
    startedAt: startsNow ? subscriptionAt : null,
    endingAt: input.ending_at ?? null,
    terminatedAt: null,
    createdAt: request.receivedAt,
  };
  const closesAt = startsNow
    ? subscriptionPeriodAt(subscription, plan, timezone, subscriptionAt).endsAt
    : null;
  try {
    await deps.catalog.createSubscription(subscription, closesAt);
  } catch (error) {
    if (error instanceof AlreadyExistsError) throw invalid("external_id", "value_already_exist");
    throw error;
  }
  return ok({ subscription: await present(deps, subscription, request.receivedAt) });
}

export async function getSubscription(request: ApiRequest, deps: SubscriptionDeps): Promise<HttpResponse> {
  const subscription = await deps.catalog.getSubscription(
    request.organization.id,
    request.params.external_id ?? "",
  );
  if (!subscription) throw notFound("subscription");
  return ok({ subscription: await present(deps, subscription, request.receivedAt) });
}

/** Filters: `external_customer_id`, `plan_code`, `status[]` (active by default, as in Lago). */
export async function listSubscriptions(request: ApiRequest, deps: SubscriptionDeps): Promise<HttpResponse> {
  const { query } = request;
  const statuses = query.getAll("status[]").length > 0 ? query.getAll("status[]") : ["active"];
  const customerId = query.get("external_customer_id");
  const planCode = query.get("plan_code");
  const subscriptions = (await deps.catalog.listSubscriptions(request.organization.id))
    .filter((s) => statuses.includes(s.status))
    .filter((s) => !customerId || s.externalCustomerId === customerId)
    .filter((s) => !planCode || s.planCode === planCode)
    .sort(newestFirst);
  const { items, meta } = paginate(subscriptions, pageOf(query));
  return ok({
    subscriptions: await Promise.all(items.map((s) => present(deps, s, request.receivedAt))),
    meta,
  });
}
